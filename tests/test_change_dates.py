"""The new last day a change proposes is checked against today in the school's zone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from models.changes import ChangeError, ProposalKind, propose
from tests.support.botclient import BotClient
from tests.support.seed import World


async def test_an_extension_to_a_day_already_past_is_refused(client: BotClient, w: World) -> None:
    # The program ended on 31.05.2027 and still waits for the curator on 10.06.
    later = datetime(2027, 6, 10, 9, 0, tzinfo=UTC)
    async with client.sessionmaker() as s, s.begin():
        with pytest.raises(ChangeError) as refused:
            await propose(
                s,
                program_id=w.program_b,
                kind=ProposalKind.EXTEND,
                proposer_id=w.curator.user_id,
                reason="Не успели открытый урок",
                payload={"ends_on": "2027-06-05"},
                now=later,
            )
        assert (refused.value.key, refused.value.params) == (
            "change-err-past",
            {"today": "10.06.2027"},
        )
        proposal = await propose(
            s,
            program_id=w.program_b,
            kind=ProposalKind.EXTEND,
            proposer_id=w.curator.user_id,
            reason="Не успели открытый урок",
            payload={"ends_on": "2027-06-30"},
            now=later,
        )
        assert proposal.payload["ends_on"] == "2027-06-30"
