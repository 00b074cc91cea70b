'use strict';
// Drawing: the heightmap (rows x cols) at SCALE screen pixels per cell, inside a MARGIN of
// "outside the workspace" (clicks there are sent too, and the server refuses them with a message).
const SCALE = 2, MARGIN = 24;
const S = { state: null, view: 0, colors: null, heights: null, pick: null, place: null, bin: 0,
            showHeight: false, dragging: false, busy: false, discardArmed: 0, poses: null, lastRefresh: 0 };
const $ = (id) => document.getElementById(id);
const canvas = $('view'), ctx = canvas.getContext('2d');
const params = new URLSearchParams(location.search);
$('live').checked = params.get('live') !== '0';
window.capture = { SCALE, MARGIN, S };

function setMessage(text, isError) {
  const m = $('message');
  m.textContent = text || '';
  m.className = isError ? 'error' : 'info';
  m.style.display = text ? 'block' : 'none';
}

async function api(path, body) {
  const r = await fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Cliport-Capture': '1' },
                                body: JSON.stringify(body || {}) });
  let j = null;
  try { j = await r.json(); } catch (e) { j = { error: 'the server sent an unreadable reply (HTTP ' + r.status + ')' }; }
  if (!r.ok) throw new Error(j.error || ('HTTP ' + r.status));
  return j;
}

async function loadState() {
  try {
    const r = await fetch('/api/state', { cache: 'no-store' });
    S.state = await r.json();
    if (S.state.view !== S.view) await loadView();
  } catch (e) {
    $('device').style.display = 'block';
    $('device').textContent = 'lost the connection to the capture server (' + e.message + '): restart `cliport capture`; recorded steps are kept';
    return;
  }
  render();
}

async function loadView() {
  const r = await fetch('/api/view', { cache: 'no-store' });
  if (!r.ok) return;
  const id = parseInt(r.headers.get('X-View-Id'), 10);
  const buf = await r.arrayBuffer();
  const n = S.state.rows * S.state.cols;
  if (buf.byteLength !== n * 7) return;
  S.colors = new Uint8Array(buf, 0, n * 3);
  S.heights = new Float32Array(buf.slice(n * 3));
  if (id !== S.view) { S.pick = null; S.place = null; S.poses = null; S.bin = 0; }
  S.view = id;
}

function cellToScreen(p) { return [MARGIN + (p.col + 0.5) * SCALE, MARGIN + (p.row + 0.5) * SCALE]; }
function screenToCell(x, y) { return { row: Math.floor((y - MARGIN) / SCALE), col: Math.floor((x - MARGIN) / SCALE) }; }
function placeYaw(bin) { return -bin * 2 * Math.PI / S.state.rotationBins; }
function heightColor(h, maxH) {
  const t = Math.max(0, Math.min(1, h / maxH));
  // dark blue -> teal -> yellow
  return [Math.round(30 + 220 * t), Math.round(40 + 180 * Math.sqrt(t)), Math.round(120 * (1 - t) + 40)];
}

function render() {
  const st = S.state;
  if (!st) return;
  const W = st.cols * SCALE + 2 * MARGIN, H = st.rows * SCALE + 2 * MARGIN;
  if (canvas.width !== W || canvas.height !== H) { canvas.width = W; canvas.height = H; }
  ctx.fillStyle = '#3a3b3f'; ctx.fillRect(0, 0, W, H);
  ctx.fillStyle = '#777'; ctx.font = '11px sans-serif';
  ctx.fillText('outside the workspace', 4, 14);
  if (S.colors) {
    const img = ctx.createImageData(st.cols, st.rows);
    const n = st.rows * st.cols;
    let maxH = 0.05;
    if (S.showHeight) for (let i = 0; i < n; i++) maxH = Math.max(maxH, S.heights[i]);
    for (let i = 0; i < n; i++) {
      const c = S.showHeight ? heightColor(S.heights[i], maxH) : [S.colors[3 * i], S.colors[3 * i + 1], S.colors[3 * i + 2]];
      img.data[4 * i] = c[0]; img.data[4 * i + 1] = c[1]; img.data[4 * i + 2] = c[2]; img.data[4 * i + 3] = 255;
    }
    const off = document.createElement('canvas');
    off.width = st.cols; off.height = st.rows;
    off.getContext('2d').putImageData(img, 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(off, MARGIN, MARGIN, st.cols * SCALE, st.rows * SCALE);
    if (!st.viewOK) { ctx.fillStyle = 'rgba(90,20,20,0.55)'; ctx.fillRect(MARGIN, MARGIN, st.cols * SCALE, st.rows * SCALE); }
  }
  ctx.strokeStyle = '#999'; ctx.strokeRect(MARGIN - 0.5, MARGIN - 0.5, st.cols * SCALE + 1, st.rows * SCALE + 1);
  // Steps already recorded in this episode, faint.
  for (const s of st.steps) drawArrowBetween(s.pick, s.place, 'rgba(255,255,255,0.35)');
  if (st.proposal) {
    ctx.setLineDash([4, 3]);
    drawMarker(st.proposal.pick, '#c58cff', 'agent pick');
    drawMarker(st.proposal.place, '#c58cff', 'agent place', placeYaw(st.proposal.rotationBin));
    ctx.setLineDash([]);
  }
  if (S.pick) drawMarker(S.pick, '#ff5a5a', 'pick');
  if (S.place) { drawArrowBetween(S.pick, S.place, 'rgba(255,212,121,0.8)'); drawMarker(S.place, '#ffd479', 'place', placeYaw(S.bin)); }
  renderPanel();
}

function drawMarker(p, color, label, yaw) {
  const [x, y] = cellToScreen(p);
  // A dark outline under the colour keeps markers visible on objects of the same colour.
  for (const [style, width] of [['rgba(0,0,0,0.75)', 4], [color, 2]]) {
    ctx.strokeStyle = style; ctx.lineWidth = width;
    ctx.beginPath(); ctx.arc(x, y, 7, 0, 2 * Math.PI); ctx.stroke();
    ctx.beginPath(); ctx.moveTo(x - 3, y); ctx.lineTo(x + 3, y); ctx.moveTo(x, y - 3); ctx.lineTo(x, y + 3); ctx.stroke();
    if (yaw !== undefined) {
      // The placed object's x axis: world yaw turns +x (screen right) toward +y (screen down).
      ctx.beginPath(); ctx.moveTo(x + 7 * Math.cos(yaw), y + 7 * Math.sin(yaw));
      ctx.lineTo(x + 30 * Math.cos(yaw), y + 30 * Math.sin(yaw)); ctx.stroke();
    }
  }
  ctx.font = 'bold 12px sans-serif';
  // Label below the marker, clear of the rotation arrow.
  ctx.lineWidth = 3; ctx.strokeStyle = 'rgba(0,0,0,0.75)'; ctx.strokeText(label, x + 8, y + 20);
  ctx.fillStyle = color; ctx.fillText(label, x + 8, y + 20);
  ctx.lineWidth = 1;
}

function drawArrowBetween(a, b, color) {
  if (!a || !b) return;
  const [x0, y0] = cellToScreen(a), [x1, y1] = cellToScreen(b);
  ctx.strokeStyle = color; ctx.beginPath(); ctx.moveTo(x0, y0); ctx.lineTo(x1, y1); ctx.stroke();
}

function fmt(v) { return v.map((x) => x.toFixed(3)).join(', '); }

function renderPanel() {
  const st = S.state;
  const manual = st.robotKind === 'manual';
  $('task').textContent = st.task;
  $('devices').textContent = 'camera: ' + st.camera + ' | robot: ' + st.robot;
  $('episode').textContent = 'episode ' + st.episode + (st.robotKind === 'simulated' ? ' (seed ' + st.seed + ')' : '') +
    ' | ' + st.steps.length + ' step' + (st.steps.length === 1 ? '' : 's') + ' recorded | view ' + st.view + (st.viewOK ? '' : ' (stale)');
  const list = $('suggestions');
  const opts = st.instructionSuggestions.map((s) => '<option value="' + s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;') + '">').join('');
  if (list.dataset.opts !== opts) { list.innerHTML = opts; list.dataset.opts = opts; }
  if (!$('instruction').value && st.instructionSuggestions.length) $('instruction').value = st.instructionSuggestions[0];
  const deg = (placeYaw(S.bin) * 180 / Math.PI).toFixed(0);
  $('phase').textContent = st.busy ? ('Busy: ' + st.busy + ' ...')
    : !S.pick ? 'Click the pick point'
    : !S.place ? 'Click the place point (drag from it to turn)'
    : 'Turn the place rotation (bin ' + S.bin + ' of ' + st.rotationBins + ', yaw ' + deg + ' deg), then ' + (manual ? 'move the object by hand and click Captured' : 'Confirm');
  $('confirm').innerHTML = (manual ? 'Captured' : 'Confirm') + '<kbd>Enter</kbd>';
  $('confirm').disabled = !(S.pick && S.place && st.viewOK) || !!st.busy || S.busy;
  $('undo').disabled = st.steps.length === 0 || !!st.busy;
  $('end').disabled = st.steps.length === 0 || !!st.busy;
  $('discard').textContent = S.discardArmed > Date.now() ? 'Press again to discard' : 'Discard & re-record';
  $('heightToggle').innerHTML = (S.showHeight ? 'Show colour' : 'Show height') + '<kbd>H</kbd>';
  $('poses').textContent = S.poses
    ? 'pick  xyz ' + fmt(S.poses.pick.position) + '   yaw ' + S.poses.pick.yawDegrees.toFixed(0) + ' deg\n' +
      'place xyz ' + fmt(S.poses.place.position) + '   yaw ' + S.poses.place.yawDegrees.toFixed(0) + ' deg\n' +
      'place quaternion xyzw ' + fmt(S.poses.place.orientation_xyzw)
    : '';
  const dev = $('device');
  if (st.error) { dev.style.display = 'block'; dev.textContent = st.error; } else { dev.style.display = 'none'; }
  $('steps').innerHTML = '';
  for (const s of st.steps) {
    const li = document.createElement('li');
    li.textContent = '"' + s.instruction + '": pick (' + s.pick.row + ', ' + s.pick.col + ') -> place (' + s.place.row + ', ' +
      s.place.col + ') bin ' + s.rotationBin + (st.robotKind === 'simulated' ? ', reward ' + s.reward.toFixed(2) : '');
    $('steps').appendChild(li);
  }
  $('saved').textContent = st.savedEpisodes.length ? 'saved: ' + st.savedEpisodes.slice(-5).join(', ') + (st.savedEpisodes.length > 5 ? ' ...' : '') : '';
}

async function preview() {
  if (!S.pick || !S.place) { S.poses = null; render(); return; }
  try {
    S.poses = await api('/api/preview', { view: S.view, pick: S.pick, place: S.place, rotationBin: S.bin });
    setMessage('');
  } catch (e) {
    S.poses = null;
    setMessage(e.message, true);
    if (/outside the workspace/.test(e.message)) S.place = null;
  }
  render();
}

async function checkPick() {
  try {
    await api('/api/preview', { view: S.view, pick: S.pick, place: S.pick, rotationBin: 0 });
    setMessage('');
  } catch (e) {
    setMessage(e.message, true);
    if (/outside the workspace/.test(e.message)) S.pick = null;
  }
  render();
}

function binFromVector(dx, dy) {
  const n = S.state.rotationBins;
  const yaw = Math.atan2(dy, dx);                          // world yaw of the drag (screen y = world y)
  return ((Math.round(-yaw / (2 * Math.PI / n)) % n) + n) % n;  // placeYaw(bin) = -bin * 360/n deg
}

canvas.addEventListener('mousedown', (ev) => {
  if (!S.state || S.busy) return;
  const r = canvas.getBoundingClientRect();
  const x = ev.clientX - r.left, y = ev.clientY - r.top;
  const cell = screenToCell(x, y);
  if (!S.pick || (S.pick && S.place)) {
    S.pick = cell; S.place = null; S.poses = null; S.bin = 0;
    checkPick();
  } else {
    S.place = cell; S.dragging = true; S.dragStart = [x, y];
    preview();
  }
  render();
});
canvas.addEventListener('mousemove', (ev) => {
  if (!S.dragging || !S.place) return;
  const r = canvas.getBoundingClientRect();
  const dx = ev.clientX - r.left - S.dragStart[0], dy = ev.clientY - r.top - S.dragStart[1];
  if (dx * dx + dy * dy < 64) return;
  const bin = binFromVector(dx, dy);
  if (bin !== S.bin) { S.bin = bin; render(); }
});
window.addEventListener('mouseup', () => { if (S.dragging) { S.dragging = false; preview(); } });
canvas.addEventListener('wheel', (ev) => {
  if (!S.place) return;
  ev.preventDefault();
  turn(ev.deltaY > 0 ? 1 : -1);
}, { passive: false });

let previewTimer = null;
function turn(step) {
  const n = S.state.rotationBins;
  S.bin = ((S.bin + step) % n + n) % n;
  render();
  clearTimeout(previewTimer);
  previewTimer = setTimeout(preview, 120);
}

async function run(label, fn) {
  if (S.busy) return;
  S.busy = true; render();
  try { await fn(); } catch (e) { setMessage(e.message, true); }
  S.busy = false;
  await loadState();
}

async function confirmStep() {
  if (!S.pick || !S.place) { setMessage('click the pick point and the place point first', true); return; }
  const instruction = $('instruction').value;
  await run('step', async () => {
    setMessage(S.state.robotKind === 'manual' ? 'recording ...' : 'the robot is executing ...');
    const st = await api('/api/step', { view: S.view, pick: S.pick, place: S.place, rotationBin: S.bin, instruction });
    S.pick = null; S.place = null; S.poses = null; S.bin = 0;
    S.state = st;
    setMessage(st.message + (st.error ? ' | ' + st.error : ''), !!st.error);
  });
}

async function simple(path, label) {
  await run(label, async () => {
    const st = await api(path);
    S.state = st;
    S.pick = null; S.place = null; S.poses = null; S.bin = 0;
    setMessage(st.message + (st.error ? ' | ' + st.error : ''), !!st.error);
  });
}

function discard() {
  if (S.discardArmed > Date.now()) { S.discardArmed = 0; simple('/api/discard', 'discard'); }
  else { S.discardArmed = Date.now() + 3000; setMessage('press Discard (or D) again within 3 s to drop this episode\'s steps'); render(); }
}

async function refresh(quiet) {
  if (S.busy) return;
  S.lastRefresh = Date.now();
  try {
    S.state = await api('/api/refresh');
    if (!quiet) setMessage('view refreshed');
  } catch (e) {
    setMessage(e.message, true);
  }
  await loadState();
}

$('confirm').onclick = confirmStep;
$('undo').onclick = () => simple('/api/undo', 'undo');
$('end').onclick = () => simple('/api/end', 'end');
$('discard').onclick = discard;
$('refresh').onclick = () => refresh(false);
$('clear').onclick = () => { S.pick = null; S.place = null; S.poses = null; S.bin = 0; setMessage(''); render(); };
$('heightToggle').onclick = () => { S.showHeight = !S.showHeight; render(); };

document.addEventListener('keydown', (ev) => {
  const typing = document.activeElement === $('instruction');
  if (ev.key === 'Enter') { ev.preventDefault(); confirmStep(); return; }
  if (ev.key === 'Escape') { $('clear').onclick(); if (typing) $('instruction').blur(); return; }
  if (typing || ev.ctrlKey || ev.metaKey || ev.altKey) return;
  const k = ev.key.toLowerCase();
  if (k === 'e') simple('/api/end', 'end');
  else if (k === 'u') simple('/api/undo', 'undo');
  else if (k === 'd') discard();
  else if (k === 'r') refresh(false);
  else if (k === 'h') $('heightToggle').onclick();
  else if (k === '[') turn(-1);
  else if (k === ']') turn(1);
});

setInterval(() => {
  if (S.busy) return;
  if ($('live').checked && !S.pick && Date.now() - S.lastRefresh > 2000) refresh(true); else loadState();
}, 1000);
loadState().then(() => { if (S.state) setMessage(S.state.message, false); });
