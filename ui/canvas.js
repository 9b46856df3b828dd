// The playground's drawing canvas (see ui/canvas.py for why it is our own component).
//
// The state sent to Python is {png, seq}: the canvas as a PNG data URL (null when blank) and
// `seq`, which counts the strokes and clears so far. Python hands back, in `data.seen`, the
// `seq` of the drawing its run is analysing. Three rules keep the two in step:
//   1. every stroke is sent the moment the pen lifts (no debounce: a stroke drawn while a run
//      is busy reaches the server at once, and Streamlit reruns with the newest drawing);
//   2. Clear happens here, in the browser, on the same canvas: nothing is remounted, so a stroke
//      drawn right after Clear lands on the canvas that stays on screen;
//   3. a drawing that Python has not acknowledged within `data.resendMs` is sent again (a few
//      times), so that once the page settles it has analysed exactly what the canvas shows.

const RESENDS = 3;
const canvases = new WeakMap(); // parentElement -> state: reruns reuse the canvas and its strokes

export default function (component) {
  const { data, parentElement, setStateValue } = component;
  let state = canvases.get(parentElement);
  const fresh = state === undefined;
  if (fresh) {
    state = create(data);
    canvases.set(parentElement, state);
  }
  if (!state.root.isConnected) parentElement.appendChild(state.root);
  state.data = data;
  state.setStateValue = setStateValue; // a rerun may hand over a new one
  state.clear.textContent = data.clearLabel;
  // A fresh canvas is blank: if Python still holds an older drawing, tell it that it is gone.
  if (fresh && data.seen > 0) wipe(state);
  acknowledge(state, data.seen);
  // No cleanup: nothing outside this component's own elements is touched, and Streamlit calls a
  // cleanup returned by a superseded mount too, which would wipe a canvas that is still in use.
}

function create(data) {
  const root = document.createElement("div");
  root.className = "livelab-canvas";
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = data.size;
  const clear = document.createElement("button");
  clear.type = "button";
  root.append(canvas, clear);
  const state = { root, canvas, clear, seq: data.seen, sent: null, resends: 0, timer: null, pen: null };
  blank(state);
  canvas.addEventListener("pointerdown", (event) => penDown(state, event));
  canvas.addEventListener("pointermove", (event) => penMove(state, event));
  canvas.addEventListener("pointerup", (event) => penUp(state, event));
  // A cancelled gesture (palm rejection, the page scrolling) ends the stroke where it was: the cancel
  // event's position is no point the pen reached.
  canvas.addEventListener("pointercancel", (event) => penUp(state, event, false));
  clear.addEventListener("click", () => wipe(state));
  return state;
}

function blank(state) {
  const context = state.canvas.getContext("2d");
  context.fillStyle = "#000000";
  context.fillRect(0, 0, state.canvas.width, state.canvas.height);
}

function wipe(state) {
  state.pen = null;
  blank(state);
  send(state, null);
}

function at(state, event) {
  // Canvas pixels, even if the page shows the canvas smaller than its size (inside the border).
  const { canvas } = state, box = canvas.getBoundingClientRect();
  return [(event.clientX - box.left - canvas.clientLeft) * (canvas.width / canvas.clientWidth),
          (event.clientY - box.top - canvas.clientTop) * (canvas.height / canvas.clientHeight)];
}

function penDown(state, event) {
  if (state.pen !== null || event.button !== 0) return;
  state.canvas.setPointerCapture(event.pointerId); // the stroke ends even if the pen leaves the canvas
  state.pen = { id: event.pointerId, last: at(state, event) };
  line(state, state.pen.last, state.pen.last); // a tap leaves a dot
  event.preventDefault();
}

function penMove(state, event) {
  if (state.pen === null || event.pointerId !== state.pen.id) return;
  const moves = event.getCoalescedEvents ? event.getCoalescedEvents() : [];
  for (const move of moves.length ? moves : [event]) {
    const point = at(state, move);
    line(state, state.pen.last, point);
    state.pen.last = point;
  }
}

function penUp(state, event, reached = true) {
  if (state.pen === null || event.pointerId !== state.pen.id) return;
  if (reached) penMove(state, event);
  state.pen = null;
  send(state, state.canvas.toDataURL("image/png"));
}

function line(state, from, to) {
  const context = state.canvas.getContext("2d");
  context.strokeStyle = "#ffffff";
  context.lineWidth = state.data.strokeWidth;
  context.lineCap = context.lineJoin = "round";
  context.beginPath();
  context.moveTo(from[0], from[1]);
  context.lineTo(to[0], to[1]);
  context.stroke();
}

function send(state, png) {
  state.seq += 1;
  state.sent = { png, seq: state.seq };
  state.resends = 0;
  post(state);
}

function post(state) {
  clearTimeout(state.timer);
  state.setStateValue("drawing", state.sent);
  state.timer = setTimeout(() => {
    if (state.root.isConnected && state.resends < RESENDS) {
      state.resends += 1;
      post(state);
    }
  }, state.data.resendMs);
}

function acknowledge(state, seen) {
  if (state.sent !== null && seen >= state.sent.seq) clearTimeout(state.timer);
}
