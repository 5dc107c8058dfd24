// The sandbox's web chat: one person plays every role against the real bot.
// Plain script, no build step. The server escapes message HTML; everything else goes in as text.
"use strict";

const TEXTS = {
  ru: {
    brand: "Песочница",
    weekdays: "вс,пн,вт,ср,чт,пт,сб",
    travelHour: "+1 час",
    travelDay: "+1 день",
    travelMonday: "Пн 09:00",
    travelQuarter: "Конец четверти",
    demo: "Демо-школа",
    reset: "Сброс",
    addPersona: "Добавить участника",
    newPersona: "Новый участник",
    name: "Имя",
    role: "Роль",
    add: "Добавить",
    cancel: "Отмена",
    replyingTo: "Ответ на",
    cancelReply: "Отменить ответ",
    reply: "Ответить",
    menu: "Команды",
    noCommands: "Команд пока нет",
    attach: "Прикрепить",
    attachPhoto: "Фото",
    attachDoc: "Документ",
    placeholder: "Сообщение",
    send: "Отправить",
    edited: "изменено",
    bot: "Бот",
    me: "Вы",
    openAs: "Открыть как…",
    file: "файл",
    confirmDemo: "Заполнить демо-школой? Все чаты песочницы начнутся заново.",
    confirmReset: "Сбросить песочницу? Все чаты и данные бота будут удалены.",
    nameNeeded: "Введите имя",
    "bot.starting": "Бот запускается…",
    "bot.running": "Бот работает",
    "bot.stopped": "Бот остановлен",
    "bot.failed": "Бот упал",
    "busy.demo": "Демо-школа",
    "busy.reset": "Сброс",
    step: "шаг {step} из {steps}",
    offline: "Нет связи с песочницей, повторяю…",
    hintAdmin: "Создайте школу: {cmd}",
    hintAdminCmd: "/neworg Школа №1",
    hintOther:
      "Откройте ссылку-приглашение от куратора или администратора — или нажмите «Демо-школа»",
    "media.voice": "голосовое сообщение",
    "media.video": "видео",
    "media.audio": "аудио",
    "media.sticker": "стикер",
    "media.animation": "GIF",
    "media.video_note": "видеосообщение",
    "media.photo": "фото",
    "media.document": "документ",
    "role.admin": "Региональный администратор",
    "role.curator": "Куратор",
    "role.mentor": "Наставник",
    "role.mentee": "Наставляемый",
    "role.guest": "Гость",
  },
  en: {
    brand: "Sandbox",
    weekdays: "Sun,Mon,Tue,Wed,Thu,Fri,Sat",
    travelHour: "+1 hour",
    travelDay: "+1 day",
    travelMonday: "Mon 09:00",
    travelQuarter: "End of quarter",
    demo: "Demo school",
    reset: "Reset",
    addPersona: "Add a person",
    newPersona: "New person",
    name: "Name",
    role: "Role",
    add: "Add",
    cancel: "Cancel",
    replyingTo: "Reply to",
    cancelReply: "Cancel the reply",
    reply: "Reply",
    menu: "Commands",
    noCommands: "No commands yet",
    attach: "Attach",
    attachPhoto: "Photo",
    attachDoc: "Document",
    placeholder: "Message",
    send: "Send",
    edited: "edited",
    bot: "Bot",
    me: "You",
    openAs: "Open as…",
    file: "file",
    confirmDemo: "Fill with a demo school? Every chat of the sandbox starts over.",
    confirmReset: "Reset the sandbox? All chats and the bot's data will be deleted.",
    nameNeeded: "Enter a name",
    "bot.starting": "The bot is starting…",
    "bot.running": "The bot is running",
    "bot.stopped": "The bot is stopped",
    "bot.failed": "The bot failed",
    "busy.demo": "Demo school",
    "busy.reset": "Reset",
    step: "step {step} of {steps}",
    offline: "No connection to the sandbox, retrying…",
    hintAdmin: "Create a school: {cmd}",
    hintAdminCmd: "/neworg School No. 1",
    hintOther: "Open an invite link from a curator or the admin — or press «Demo school»",
    "media.voice": "voice message",
    "media.video": "video",
    "media.audio": "audio",
    "media.sticker": "sticker",
    "media.animation": "GIF",
    "media.video_note": "video message",
    "media.photo": "photo",
    "media.document": "document",
    "role.admin": "Regional admin",
    "role.curator": "Curator",
    "role.mentor": "Mentor",
    "role.mentee": "Mentee",
    "role.guest": "Guest",
  },
};
const ADDABLE_ROLES = ["mentee", "mentor", "curator", "guest"];
const FILE_ICON =
  '<svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true"><path fill="currentColor" ' +
  'd="M6 2h8l6 6v12a2 2 0 0 1-2 2H6a2 2 0 0 1-2-2V4a2 2 0 0 1 2-2zm7 1.5V9h5.5z"/></svg>';
const PLAY_ICON =
  '<svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">' +
  '<path fill="currentColor" d="M8 5v14l11-7z"/></svg>';

// An invite as a URL button: offer «Open as…» like a link in the text does.
const START_LINK = /^https?:\/\/t\.me\/[A-Za-z0-9_]+\?start=([A-Za-z0-9_-]+)$/;

const $ = (sel) => document.querySelector(sel);
const el = (tag, cls, text) => {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
  return node;
};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

let lang = localStorage.getItem("sandbox.lang") === "en" ? "en" : "ru";
let persona = Number(localStorage.getItem("sandbox.persona")) || null;
let state = null; // the last answer of /api/state
let rev = null;
let pollGen = 0; // bumped to drop an answer that belongs to an older request
let pollAbort = null;
let langSynced = false;
let messagesKey = ""; // what the message list was last drawn from
let atBottom = true;
let replyTo = null; // {id, snippet}
const forceApplied = new Map(); // persona id -> the force_reply_to already offered
let toastTimer = null;
let lastAlert = null; // the number of the last background failure already shown

function t(key, vars) {
  let text = TEXTS[lang][key] ?? TEXTS.ru[key] ?? key;
  for (const [name, value] of Object.entries(vars || {})) text = text.replace(`{${name}}`, value);
  return text;
}

// ---- server calls ----

async function post(path, body) {
  const init = { method: "POST" };
  if (body instanceof FormData) init.body = body;
  else {
    init.headers = { "Content-Type": "application/json" };
    init.body = JSON.stringify(body || {});
  }
  let data;
  try {
    const response = await fetch(path, init);
    data = await response.json();
  } catch (err) {
    showToast(t("offline"));
    return null;
  }
  if (!data.ok) {
    showToast(data.error || "error");
    return null;
  }
  return data;
}

async function pollLoop() {
  for (;;) {
    const gen = pollGen;
    pollAbort = new AbortController();
    const query = new URLSearchParams({ lang });
    if (persona) query.set("persona", persona);
    if (rev !== null) query.set("since", rev);
    const asked = Date.now();
    const fresh = rev === null; // a first look at this pane: old button answers are not news
    try {
      const response = await fetch(`/api/state?${query}`, {
        signal: pollAbort.signal,
        cache: "no-store",
      });
      const data = await response.json();
      if (gen !== pollGen) continue;
      if (!data.ok) throw new Error(data.error || "error");
      const same = rev !== null && data.rev === rev;
      // A new stand-in (a reset, maybe from another tab): message ids start again at 1.
      if (rev !== null && data.rev.split(".")[0] !== rev.split(".")[0]) {
        forceApplied.clear();
        cancelReply();
      }
      rev = data.rev;
      applyState(data);
      if (!fresh && data.chat && data.chat.persona === persona) {
        for (const text of data.chat.toasts || []) showToast(text);
      }
      // An unchanged answer that came back at once (the sandbox is between stand-ins): breathe.
      if (same && Date.now() - asked < 1000) await sleep(500);
    } catch (err) {
      if (gen !== pollGen) continue; // aborted on purpose: ask again at once
      setStatus(t("offline"), "bad");
      await sleep(1000);
    }
  }
}

// Ask for the state now (another persona, another language), dropping the pending long poll.
function refresh() {
  pollGen += 1;
  rev = null;
  if (pollAbort) pollAbort.abort();
}

// ---- drawing the state ----

function applyState(data) {
  state = data;
  if (!langSynced) {
    langSynced = true;
    if (data.lang && data.lang !== lang) post("/api/lang", { lang });
  }
  if (data.alert && lastAlert !== null && data.alert.n !== lastAlert) showToast(data.alert.text);
  lastAlert = data.alert ? data.alert.n : 0;
  $("#clock").textContent = data.clock.label;
  $("#clock").title = `${data.clock.iso} (${data.clock.zone})`;
  drawStatus();
  const ids = data.personas.map((p) => p.id);
  if (!ids.length) return; // a reset is under way: no chats to show yet
  if (!persona || !ids.includes(persona)) {
    persona = data.chat ? data.chat.persona : ids[0];
    if (!data.chat || data.chat.persona !== persona) {
      refresh();
      return;
    }
  }
  drawPersonas();
  if (!data.chat) data.chat = emptyChat();
  if (data.chat.persona === persona) {
    drawChatHead();
    drawMessages();
    drawReplyKeyboard();
    drawMenu();
    offerForceReply();
  }
}

function emptyChat() {
  return { persona, messages: [], commands: [], reply_keyboard: null, force_reply_to: null, toasts: [] };
}

function setStatus(text, kind) {
  const status = $("#status");
  status.textContent = text;
  status.className = kind || "";
}

function drawStatus() {
  const bot = state.bot || { state: "starting", detail: "" };
  const busy = state.busy;
  let text = t(`bot.${bot.state}`);
  if (bot.detail) text += `: ${bot.detail}`;
  if (busy) {
    let progress = t(`busy.${busy.what}`);
    if (busy.steps) progress += ` · ${t("step", { step: busy.step, steps: busy.steps })}`;
    if (busy.label) progress += `: ${busy.label}`;
    text = `${progress} · ${text}`;
  }
  const kind = bot.state === "failed" || bot.state === "stopped" ? "bad" : busy ? "busy" : "";
  setStatus(text, kind);
  $("#demo").disabled = Boolean(busy);
  $("#reset").disabled = Boolean(busy);
}

function personaById(id) {
  return state ? state.personas.find((p) => p.id === id) : null;
}

function avatar(p) {
  const node = el("span", `avatar role-${p.role}`, (p.name || "?").slice(0, 1).toUpperCase());
  node.setAttribute("aria-hidden", "true");
  return node;
}

function drawPersonas() {
  const list = $("#persona-list");
  const key = JSON.stringify([lang, persona, state.personas]);
  if (list.dataset.key === key) return;
  list.dataset.key = key;
  list.replaceChildren();
  for (const p of state.personas) {
    const button = el("button", p.id === persona ? "persona current" : "persona");
    button.type = "button";
    button.dataset.persona = p.id;
    button.append(...personaLabel(p));
    if (p.unread) button.append(el("span", "badge", String(p.unread)));
    button.addEventListener("click", () => selectPersona(p.id));
    list.append(button);
  }
  revealCurrentPersona();
}

// Keep the selected persona in sight inside the switcher (never scrolls the page itself).
function revealCurrentPersona() {
  const box = $("#personas");
  const current = box.querySelector(".persona.current");
  if (!current) return;
  const start = current.offsetLeft - box.offsetLeft;
  const top = current.offsetTop - box.offsetTop;
  if (start < box.scrollLeft) box.scrollLeft = start;
  else if (start + current.offsetWidth > box.scrollLeft + box.clientWidth) {
    box.scrollLeft = start + current.offsetWidth - box.clientWidth;
  }
  if (top < box.scrollTop) box.scrollTop = top;
  else if (top + current.offsetHeight > box.scrollTop + box.clientHeight) {
    box.scrollTop = top + current.offsetHeight - box.clientHeight;
  }
}

// A person as the switcher, the chat's head and «Открыть как…» show them: avatar, name, role.
function personaLabel(p) {
  const who = el("span", "who");
  who.append(el("span", "name", p.name), el("span", "role", t(`role.${p.role}`)));
  return [avatar(p), who];
}

function drawChatHead() {
  const p = personaById(persona);
  const head = $("#chat-head");
  head.replaceChildren();
  if (!p) return;
  head.append(...personaLabel(p));
}

function drawMessages() {
  const box = $("#messages");
  const messages = state.chat.messages;
  const key = JSON.stringify([lang, persona, messages]);
  if (key === messagesKey) return;
  const samePersona = box.dataset.persona === String(persona);
  const stick = !samePersona || atBottom;
  const scrollTop = box.scrollTop;
  messagesKey = key;
  box.dataset.persona = persona;
  box.replaceChildren();
  if (!messages.length) box.append(emptyHint());
  let day = null;
  for (const m of messages) {
    // A day line where the date changes: after «+1 день» the clock's jump shows in the chat.
    if (m.day && m.day !== day) box.append(el("div", "day", dayLabel(m.day)));
    day = m.day;
    box.append(messageNode(m));
  }
  if (stick) scrollToBottom();
  else box.scrollTop = scrollTop;
}

function dayLabel(isoDay) {
  const [y, mo, d] = isoDay.split("-").map(Number);
  const weekday = t("weekdays").split(",")[new Date(Date.UTC(y, mo - 1, d)).getUTCDay()];
  return `${weekday}, ${String(d).padStart(2, "0")}.${String(mo).padStart(2, "0")}.${y}`;
}

function emptyHint() {
  const p = personaById(persona);
  const hint = el("div", "hint");
  if (p && p.role === "admin") {
    const [before, after] = t("hintAdmin").split("{cmd}");
    const sample = el("button", "hint-cmd", t("hintAdminCmd"));
    sample.type = "button";
    sample.addEventListener("click", () => {
      const text = $("#text");
      text.value = sample.textContent;
      text.focus();
      autosize();
    });
    hint.append(before, sample, after || "");
  } else {
    hint.textContent = t("hintOther");
  }
  return hint;
}

function messageNode(m) {
  const node = el("div", `msg ${m.from === "me" ? "me" : "bot"}`);
  node.dataset.id = m.id;
  const bubble = el("div", "bubble");
  if (m.reply) {
    const quote = el("div", "quote");
    quote.dataset.replyTo = m.reply.id;
    quote.append(
      el("span", "quote-from", m.reply.from === "me" ? t("me") : t("bot")),
      el("span", "quote-text", m.reply.snippet || "…"),
    );
    bubble.append(quote);
  }
  if (m.media) bubble.append(mediaNode(m.media));
  if (m.html) {
    const text = el("div", "text");
    text.innerHTML = m.html; // safe: render.py escapes everything
    bubble.append(text);
  }
  const meta = el("div", "meta");
  if (m.edited) meta.append(el("span", "edited", t("edited")));
  meta.append(el("span", "time", m.time));
  bubble.append(meta);

  const line = el("div", "line");
  const replyButton = el("button", "reply-btn", "↩");
  replyButton.type = "button";
  replyButton.title = t("reply");
  replyButton.setAttribute("aria-label", t("reply"));
  line.append(bubble, replyButton);
  node.append(line);
  if (m.buttons && m.buttons.length) node.append(keyboardNode(m));
  return node;
}

function mediaNode(media) {
  if (media.kind === "photo") {
    const link = el("a", "photo-link");
    link.href = media.url;
    link.target = "_blank";
    link.rel = "noopener";
    const img = el("img", "photo");
    img.src = media.url;
    img.alt = media.name || t("media.photo");
    img.addEventListener("load", () => {
      if (atBottom) scrollToBottom();
    });
    link.append(img);
    return link;
  }
  const name = media.name || t(`media.${media.kind}`);
  const link = el("a", media.kind === "document" ? "document" : "media");
  link.href = media.url;
  if (media.kind === "document") {
    link.setAttribute("download", media.name || "");
  } else {
    link.target = "_blank";
    link.rel = "noopener";
  }
  const icon = el("span", "doc-icon");
  icon.innerHTML = media.kind === "document" ? FILE_ICON : PLAY_ICON; // constant markup
  link.append(icon, el("span", "doc-name", name));
  return link;
}

function keyboardNode(m) {
  const keyboard = el("div", "inline-kb");
  for (const row of m.buttons) {
    const line = el("div", "kb-row");
    for (const b of row) {
      let button;
      if (b.kind === "url") {
        button = el("a", b.url ? "kb" : "kb off", b.text);
        const start = b.url && START_LINK.exec(b.url);
        if (start) {
          button.classList.add("start-link");
          button.dataset.start = start[1];
        }
        if (b.url) {
          button.href = b.url;
          button.target = "_blank";
          button.rel = "noopener";
        }
      } else {
        button = el("button", "kb", b.text);
        button.type = "button";
        button.dataset.row = b.row;
        button.dataset.col = b.col;
        button.dataset.message = m.id;
      }
      line.append(button);
    }
    keyboard.append(line);
  }
  return keyboard;
}

function drawReplyKeyboard() {
  const box = $("#reply-keyboard");
  const rows = state.chat.reply_keyboard;
  const key = JSON.stringify(rows);
  if (box.dataset.key === key) return;
  box.dataset.key = key;
  box.replaceChildren();
  box.hidden = !rows || !rows.length;
  for (const row of rows || []) {
    const line = el("div", "kb-row");
    for (const text of row) {
      const button = el("button", "rk", text);
      button.type = "button";
      button.addEventListener("click", () => sendText(text));
      line.append(button);
    }
    box.append(line);
  }
}

function drawMenu() {
  const list = $("#menu-list");
  const commands = state.chat.commands || [];
  const key = JSON.stringify([lang, commands]);
  if (list.dataset.key === key) return;
  list.dataset.key = key;
  list.replaceChildren();
  if (!commands.length) list.append(el("div", "empty", t("noCommands")));
  for (const c of commands) {
    const command = `/${c.command}`;
    const item = el("button", "cmd-item");
    item.type = "button";
    item.dataset.command = command;
    item.append(el("span", "cmd-name", command), el("span", "cmd-desc", c.description || ""));
    list.append(item);
  }
}

// The bot asked for a reply (ForceReply): open the reply bar on that message, once.
function offerForceReply() {
  const id = state.chat.force_reply_to;
  if (!id || forceApplied.get(persona) === id) return;
  forceApplied.set(persona, id);
  startReply(id);
}

function scrollToBottom() {
  const box = $("#messages");
  box.scrollTop = box.scrollHeight;
  atBottom = true;
}

// ---- actions ----

function selectPersona(id) {
  if (id === persona) return;
  persona = id;
  localStorage.setItem("sandbox.persona", String(id));
  cancelReply();
  closePopups();
  hideToast();
  const list = $("#persona-list");
  for (const b of list.querySelectorAll("button[data-persona]")) {
    b.classList.toggle("current", Number(b.dataset.persona) === id);
  }
  list.dataset.key = "";
  const p = personaById(id);
  if (p) {
    const head = $("#chat-head");
    head.replaceChildren(avatar(p), el("span", "who", p.name));
  }
  $("#messages").replaceChildren();
  messagesKey = "";
  refresh();
}

function snippetOf(id) {
  const node = document.querySelector(`#messages .msg[data-id="${id}"]`);
  if (!node) return "";
  const text = node.querySelector(".text");
  const media = node.querySelector(".doc-name, img.photo");
  let snippet = text ? text.textContent : "";
  if (!snippet && media) snippet = media.textContent || media.alt || "";
  snippet = snippet.replace(/\s+/g, " ").trim();
  return snippet.length > 80 ? `${snippet.slice(0, 79)}…` : snippet;
}

function startReply(id) {
  replyTo = { id };
  $("#replybar-text").textContent = snippetOf(id) || `#${id}`;
  $("#replybar").hidden = false;
  $("#text").focus();
}

function cancelReply() {
  replyTo = null;
  $("#replybar").hidden = true;
  $("#replybar-text").textContent = "";
}

async function sendText(text) {
  const body = { persona, text, reply_to: replyTo ? replyTo.id : null };
  cancelReply();
  return post("/api/send", body);
}

async function sendFromComposer() {
  const box = $("#text");
  const text = box.value;
  if (!text.trim()) return;
  box.value = "";
  autosize();
  const ok = await sendText(text);
  if (!ok && !box.value) {
    box.value = text;
    autosize();
  }
}

async function upload(kind, input) {
  const file = input.files && input.files[0];
  if (!file) return;
  const form = new FormData();
  form.append("persona", String(persona));
  form.append("kind", kind);
  form.append("file", file, file.name);
  const caption = $("#text").value;
  if (caption.trim()) form.append("caption", caption);
  if (replyTo) form.append("reply_to", String(replyTo.id));
  input.value = "";
  const ok = await post("/api/upload", form);
  if (ok) {
    $("#text").value = "";
    autosize();
    cancelReply();
  }
}

async function press(button) {
  button.disabled = true;
  await post("/api/press", {
    persona,
    message_id: Number(button.dataset.message),
    row: Number(button.dataset.row),
    col: Number(button.dataset.col),
    text: button.textContent, // the button as shown: a keyboard changed since is not pressed blind
  });
  button.disabled = false;
}

function anyMessages() {
  return Boolean(state && state.total);
}

async function demoOrReset(what) {
  if (anyMessages() && !confirm(t(what === "demo" ? "confirmDemo" : "confirmReset"))) return;
  forceApplied.clear();
  cancelReply();
  const ok = await post(`/api/${what}`, {});
  if (ok) refresh();
}

async function travel(step, button) {
  button.disabled = true;
  const data = await post("/api/clock", { step });
  button.disabled = false;
  if (data && data.clock) $("#clock").textContent = data.clock.label;
}

function openAs(code) {
  const list = $("#open-as-list");
  list.replaceChildren();
  for (const p of state.personas) {
    const button = el("button", "persona");
    button.type = "button";
    button.dataset.openAs = p.id;
    button.append(...personaLabel(p));
    button.addEventListener("click", () => {
      $("#open-as").close();
      selectPersona(p.id);
      sendText(`/start ${code}`);
    });
    list.append(button);
  }
  $("#open-as").showModal();
}

function openNewPersona() {
  const select = $("#new-persona-role");
  select.replaceChildren();
  for (const role of ADDABLE_ROLES) {
    const option = el("option", "", t(`role.${role}`));
    option.value = role;
    select.append(option);
  }
  $("#new-persona-name").value = "";
  $("#new-persona").showModal();
  $("#new-persona-name").focus();
}

async function saveNewPersona(event) {
  event.preventDefault();
  const name = $("#new-persona-name").value.trim();
  if (!name) {
    showToast(t("nameNeeded"));
    return;
  }
  const data = await post("/api/personas", { name, role: $("#new-persona-role").value });
  if (!data) return;
  $("#new-persona").close();
  if (data.id) selectPersona(data.id);
  else refresh();
}

function setLang(next) {
  lang = next;
  localStorage.setItem("sandbox.lang", next);
  translatePage();
  post("/api/lang", { lang: next });
  messagesKey = "";
  refresh();
}

function translatePage() {
  document.documentElement.lang = lang;
  document.title = lang === "en" ? "mentorbot · sandbox" : "mentorbot · песочница";
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  for (const node of document.querySelectorAll("[data-i18n-title]")) {
    node.title = t(node.dataset.i18nTitle);
    node.setAttribute("aria-label", node.title);
  }
  for (const node of document.querySelectorAll("[data-i18n-placeholder]")) {
    node.placeholder = t(node.dataset.i18nPlaceholder);
  }
  $("#lang-ru").classList.toggle("on", lang === "ru");
  $("#lang-en").classList.toggle("on", lang === "en");
  for (const key of ["#persona-list", "#menu-list"]) $(key).dataset.key = "";
  if (state) applyState(state);
}

function showToast(text) {
  const toast = $("#toast");
  toast.textContent = toast.hidden || !toast.textContent ? text : `${toast.textContent}\n${text}`;
  toast.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(hideToast, 3500);
}

function hideToast() {
  clearTimeout(toastTimer);
  $("#toast").hidden = true;
  $("#toast").textContent = "";
}

function closePopups() {
  $("#menu-list").hidden = true;
  $("#attach-list").hidden = true;
}

function togglePopup(sel) {
  const popup = $(sel);
  const open = popup.hidden;
  closePopups();
  popup.hidden = !open;
}

function autosize() {
  const box = $("#text");
  box.style.height = "auto";
  const border = box.offsetHeight - box.clientHeight; // scrollHeight leaves the border out
  box.style.height = `${Math.min(box.scrollHeight + border, 160)}px`;
}

// ---- wiring ----

function wire() {
  $("#messages").addEventListener("scroll", () => {
    const box = $("#messages");
    atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
  });
  // A window made smaller (a phone turned, a desktop window narrowed) keeps the newest in view.
  new ResizeObserver(() => {
    if (atBottom) scrollToBottom();
  }).observe($("#messages"));
  $("#messages").addEventListener("click", (event) => {
    const target = event.target;
    const kb = target.closest("button.kb");
    if (kb) return void press(kb);
    const replyButton = target.closest(".reply-btn");
    if (replyButton) return startReply(Number(replyButton.closest(".msg").dataset.id));
    const quote = target.closest(".quote[data-reply-to]");
    if (quote) {
      const original = document.querySelector(`#messages .msg[data-id="${quote.dataset.replyTo}"]`);
      if (original) {
        original.scrollIntoView({ block: "center", behavior: "smooth" });
        original.classList.remove("flash");
        void original.offsetWidth; // restart the animation
        original.classList.add("flash");
      }
      return;
    }
    const start = target.closest(".start-link[data-start]");
    if (start) {
      event.preventDefault();
      return openAs(start.dataset.start);
    }
    const cmd = target.closest("a.cmd[data-command]");
    if (cmd) {
      event.preventDefault();
      return void sendText(cmd.dataset.command);
    }
    const spoiler = target.closest(".spoiler");
    if (spoiler) spoiler.classList.add("shown");
  });

  const text = $("#text");
  text.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      sendFromComposer();
    }
  });
  text.addEventListener("input", autosize);
  $("#send").addEventListener("click", () => {
    sendFromComposer();
    text.focus();
  });
  $("#cancel-reply").addEventListener("click", cancelReply);

  $("#menu").addEventListener("click", () => togglePopup("#menu-list"));
  $("#menu-list").addEventListener("click", (event) => {
    const item = event.target.closest(".cmd-item[data-command]");
    if (!item) return;
    closePopups();
    sendText(item.dataset.command);
  });
  $("#attach").addEventListener("click", () => togglePopup("#attach-list"));
  $("#attach-photo-btn").addEventListener("click", () => {
    closePopups();
    $("#attach-photo").click();
  });
  $("#attach-doc-btn").addEventListener("click", () => {
    closePopups();
    $("#attach-doc").click();
  });
  $("#attach-photo").addEventListener("change", (e) => upload("photo", e.target));
  $("#attach-doc").addEventListener("change", (e) => upload("document", e.target));
  document.addEventListener("click", (event) => {
    if (!event.target.closest(".popup, #menu, #attach")) closePopups();
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") closePopups();
  });

  const steps = { hour: "#travel-hour", day: "#travel-day", monday: "#travel-monday", quarter: "#travel-quarter" };
  for (const [step, sel] of Object.entries(steps)) {
    $(sel).addEventListener("click", (event) => travel(step, event.currentTarget));
  }
  $("#demo").addEventListener("click", () => demoOrReset("demo"));
  $("#reset").addEventListener("click", () => demoOrReset("reset"));
  $("#lang-ru").addEventListener("click", () => setLang("ru"));
  $("#lang-en").addEventListener("click", () => setLang("en"));

  $("#add-persona").addEventListener("click", openNewPersona);
  $("#new-persona-form").addEventListener("submit", saveNewPersona);
  $("#new-persona-cancel").addEventListener("click", () => $("#new-persona").close());
  $("#open-as-cancel").addEventListener("click", () => $("#open-as").close());
  $("#toast").addEventListener("click", hideToast);
}

wire();
translatePage();
pollLoop();
