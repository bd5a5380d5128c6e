// どう？'s voice note (portal/pages/checkin_more.html).  Without this script the form still
// works: the file field opens the phone's recorder or its files.  With it, where the browser
// can record (MediaRecorder) and fill a file field (DataTransfer), the person records, stops,
// listens again or deletes, and the recording is put into the same file field, so the same
// POST carries it.  No inline script: the page's CSP allows scripts from 'self' only.

const input = document.querySelector("input[data-voice]");
const box = document.querySelector("[data-voice-recorder]");

const canRecord =
  input &&
  box &&
  typeof window.MediaRecorder === "function" &&
  navigator.mediaDevices &&
  typeof navigator.mediaDevices.getUserMedia === "function" &&
  typeof window.DataTransfer === "function";

function extensionOf(type) {
  if (type.includes("mp4")) return "m4a";
  if (type.includes("ogg")) return "ogg";
  if (type.includes("mpeg")) return "mp3";
  if (type.includes("wav")) return "wav";
  return "webm";
}

function setUp() {
  const button = (name) => box.querySelector(`[data-voice-${name}]`);
  const record = button("record");
  const stop = button("stop");
  const listen = button("listen");
  const remove = button("delete");
  const status = box.querySelector("[data-voice-status]");
  const maxSeconds = Number(box.dataset.maxSeconds || "300");
  const player = new Audio();
  let recorder = null;
  let stream = null;
  let chunks = [];
  let address = null;
  let timer = null;

  const show = (state) => {
    record.hidden = state === "recording";
    stop.hidden = state !== "recording";
    listen.hidden = state !== "recorded";
    remove.hidden = state !== "recorded";
  };
  const say = (text) => {
    status.textContent = text;
  };
  const forget = () => {
    player.pause();
    player.removeAttribute("src");
    if (address) URL.revokeObjectURL(address);
    address = null;
  };

  record.addEventListener("click", async () => {
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch {
      say(box.dataset.noMic);
      return;
    }
    forget();
    chunks = [];
    recorder = new MediaRecorder(stream);
    recorder.addEventListener("dataavailable", (event) => {
      if (event.data && event.data.size) chunks.push(event.data);
    });
    recorder.addEventListener("stop", () => {
      clearTimeout(timer);
      stream.getTracks().forEach((track) => track.stop());
      const type = (recorder.mimeType || "audio/webm").split(";")[0];
      const blob = new Blob(chunks, { type });
      const file = new File([blob], `voice.${extensionOf(type)}`, { type });
      const transfer = new DataTransfer();
      transfer.items.add(file);
      input.files = transfer.files;
      address = URL.createObjectURL(blob);
      player.src = address;
      show("recorded");
      say(box.dataset.recorded);
      listen.focus();
    });
    recorder.start();
    timer = setTimeout(() => recorder && recorder.state === "recording" && recorder.stop(), maxSeconds * 1000);
    show("recording");
    say(box.dataset.recording);
    stop.focus();
  });

  stop.addEventListener("click", () => {
    if (recorder && recorder.state === "recording") recorder.stop();
  });

  listen.addEventListener("click", () => {
    player.currentTime = 0;
    player.play().catch(() => {});
  });

  remove.addEventListener("click", () => {
    forget();
    input.value = "";
    show("idle");
    say(box.dataset.deleted);
    record.focus();
  });

  // A file chosen by hand replaces a recording.
  input.addEventListener("change", () => {
    if (address && !(input.files.length && input.files[0].name.startsWith("voice."))) {
      forget();
      show("idle");
    }
  });

  show("idle");
  box.hidden = false;
}

if (canRecord) setUp();
