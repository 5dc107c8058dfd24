"""Callback data factories and keyboard builders."""
