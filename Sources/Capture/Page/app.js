'use strict';
// Drawing: the heightmap (rows x cols) at SCALE screen pixels per cell, inside a MARGIN of
// "outside the workspace" (clicks there are sent too, and the server refuses them with a message).
const SCALE = 2, MARGIN = 24;
const S = { state: null, view: 0, colors: null, heights: null, seen: null, pick: null, place: null, bin: 0,
            showHeight: false, dragging: false, busy: false, discardArmed: 0, poses: null, lastRefresh: 0,
            cameras: null, camerasView: 0, episodeSerial: null, goal: null, dialog: false, pickBin: 0, dragTarget: null };
const $ = (id) => document.getElementById(id);
const canvas = $('view'), ctx = canvas.getContext('2d');
const params = new URLSearchParams(location.search);
$('live').checked = params.get('live') !== '0';
// Live refresh period in ms (a test may shorten it to provoke races between refreshes and clicks).
const EVERY = Math.max(100, parseInt(params.get('every') || '2000', 10));
window.capture = { SCALE, MARGIN, S, EVERY };
const clickPending = () => !!(S.pick || S.place);
// With --pick-rotation (parallel-jaw grippers) a drag from the pick turns the gripper; requests carry the bin.
const pickTurns = () => !!(S.state && S.state.pickRotation);
const withPickBin = (body) => (pickTurns() ? Object.assign(body, { pickRotationBin: S.pickBin }) : body);
function clearClicks() { S.pick = null; S.place = null; S.poses = null; S.bin = 0; S.pickBin = 0; }

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
    // Never swap the picture under a pending click: the click names its view, and the server accepts it
    // as long as the robot has not moved since.
    if (S.state.view !== S.view && !clickPending()) await loadView();
  } catch (e) {
    $('device').style.display = 'block';
    $('device').textContent = 'lost the connection to the capture server (' + e.message + '): restart `cliport capture`; recorded steps are kept';
    return;
  }
  render();
}

async function loadView() {
  S.loadingView = true;
  try { await fetchView(); } finally { S.loadingView = false; }
}

async function fetchView() {
  const r = await fetch('/api/view', { cache: 'no-store' });
  if (!r.ok) return;
  const id = parseInt(r.headers.get('X-View-Id'), 10);
  const buf = await r.arrayBuffer();
  const n = S.state.rows * S.state.cols;
  if (buf.byteLength !== n * 8) return;
  if (clickPending()) return;  // the operator clicked while this view was on its way: keep the clicked one
  S.colors = new Uint8Array(buf, 0, n * 3);
  S.heights = new Float32Array(buf.slice(n * 3, n * 7));
  S.seen = new Uint8Array(buf, n * 7, n);
  S.view = id;
  await loadCameras();
}

async function loadCameras() {
  const r = await fetch('/api/cameras', { cache: 'no-store' });
  if (!r.ok) return;
  const id = parseInt(r.headers.get('X-View-Id'), 10);
  const buf = await r.arrayBuffer();
  const layout = S.state.cameraViews;
  const total = layout.reduce((a, c) => a + c.width * c.height * 7, 0);
  if (buf.byteLength !== total) return;
  let off = 0;
  S.cameras = layout.map((c) => {
    const n = c.width * c.height;
    const color = new Uint8Array(buf, off, n * 3); off += n * 3;
    const depth = new Float32Array(buf.slice(off, off + n * 4)); off += n * 4;
    return { name: c.name, width: c.width, height: c.height, color, depth };
  });
  S.camerasView = id;
  renderCameras();
}

// Depth colours: near = bright yellow, far = dark violet (viridis' end colours), linear in metres.
const RAMP = [[253, 231, 37], [94, 201, 98], [33, 145, 140], [59, 82, 139], [68, 1, 84]];
function ramp(t) {
  t = Math.max(0, Math.min(1, t)) * (RAMP.length - 1);
  const i = Math.min(RAMP.length - 2, Math.floor(t)), f = t - i;
  return [0, 1, 2].map((k) => Math.round(RAMP[i][k] + (RAMP[i + 1][k] - RAMP[i][k]) * f));
}
function drawScale(canvasEl) {
  const c = canvasEl.getContext('2d');
  for (let x = 0; x < canvasEl.width; x++) {
    const [r, g, b] = ramp(x / (canvasEl.width - 1));
    c.fillStyle = 'rgb(' + r + ',' + g + ',' + b + ')'; c.fillRect(x, 0, 1, canvasEl.height);
  }
}

function renderCameras() {
  const box = $('cameras');
  if (!S.cameras) return;
  // The scale spans the 2nd to 98th percentile of the measured depths, so a robot arm near the lens or the
  // floor beyond the table does not wash out the table; nearer or farther pixels take the end colours.
  const valid = [];
  for (const c of S.cameras) for (let p = 0; p < c.depth.length; p += 2) if (c.depth[p] > 0) valid.push(c.depth[p]);
  valid.sort((a, b) => a - b);
  let lo = valid.length ? valid[Math.floor(0.02 * (valid.length - 1))] : 0;
  let hi = valid.length ? valid[Math.floor(0.98 * (valid.length - 1))] : 1;
  if (!(hi > lo)) { lo = 0; hi = 1; }
  S.depthRange = [lo, hi];
  if (box.dataset.names !== S.cameras.map((c) => c.name).join(',')) {
    box.innerHTML = S.cameras.map((c, i) => '<div class="cam"><div class="sub">' + c.name.replace(/</g, '&lt;') +
      '</div><div class="pair"><canvas id="camColor' + i + '"></canvas><canvas id="camDepth' + i + '"></canvas></div></div>').join('');
    box.dataset.names = S.cameras.map((c) => c.name).join(',');
  }
  S.cameras.forEach((c, i) => {
    for (const kind of ['Color', 'Depth']) {
      const el = $('cam' + kind + i);
      el.width = c.width; el.height = c.height;
      const g = el.getContext('2d'), img = g.createImageData(c.width, c.height);
      for (let p = 0; p < c.width * c.height; p++) {
        let rgb;
        if (kind === 'Color') rgb = [c.color[3 * p], c.color[3 * p + 1], c.color[3 * p + 2]];
        else rgb = c.depth[p] > 0 ? ramp((c.depth[p] - lo) / (hi - lo)) : [0, 0, 0];
        img.data[4 * p] = rgb[0]; img.data[4 * p + 1] = rgb[1]; img.data[4 * p + 2] = rgb[2]; img.data[4 * p + 3] = 255;
      }
      g.putImageData(img, 0, 0);
    }
  });
  $('depthScaleText').textContent = lo.toFixed(2) + ' m (near) ... ' + hi.toFixed(2) + ' m (far)';
  $('depthScaleText').title = '2nd to 98th percentile of the measured depths';
}
drawScale($('depthScale'));
drawScale($('heightScale'));

// Cells no camera saw: magenta stripes, never black (black is a dark object the cameras did see).
function unseenColor(i, cols) {
  const r = Math.floor(i / cols), c = i % cols;
  return ((r + c) % 5) < 2 ? [170, 60, 170] : [60, 30, 60];
}

function cellToScreen(p) { return [MARGIN + (p.col + 0.5) * SCALE, MARGIN + (p.row + 0.5) * SCALE]; }
function screenToCell(x, y) { return { row: Math.floor((y - MARGIN) / SCALE), col: Math.floor((x - MARGIN) / SCALE) }; }
function placeYaw(bin) { return -bin * 2 * Math.PI / S.state.rotationBins; }
function heightColor(h, maxH) { return ramp(1 - h / maxH); }  // high = bright, as near in the depth images

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
    $('heightLegend').style.display = S.showHeight ? 'flex' : 'none';
    $('heightScaleText').textContent = maxH.toFixed(3) + ' m ... 0 (table)';
    for (let i = 0; i < n; i++) {
      const c = S.seen && !S.seen[i] ? unseenColor(i, st.cols)
        : S.showHeight ? heightColor(S.heights[i], maxH) : [S.colors[3 * i], S.colors[3 * i + 1], S.colors[3 * i + 2]];
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
  if (S.pick) drawMarker(S.pick, '#ff5a5a', 'pick', pickTurns() ? placeYaw(S.pickBin) : undefined);
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

// The instruction field belongs to the episode: a new episode starts with the simulated task's goal, or
// (real sources) empty unless "keep" is ticked; a new goal within the episode replaces the text.
function syncInstruction(st) {
  const field = $('instruction');
  if (st.episodeSerial !== S.episodeSerial) {
    const first = S.episodeSerial === null;
    S.episodeSerial = st.episodeSerial;
    if (st.goal) field.value = st.goal;
    else if (st.lastInstruction) field.value = st.lastInstruction;  // a resumed episode continues
    else if (first || !$('keep').checked) field.value = '';
  } else if (st.goal && st.goal !== S.goal) {
    field.value = st.goal;
  }
  S.goal = st.goal || null;
}

function renderPanel() {
  const st = S.state;
  const manual = st.robotKind === 'manual';
  $('task').textContent = st.task;
  $('devices').textContent = 'camera: ' + st.camera + ' | robot: ' + st.robot;
  $('episode').textContent = 'episode ' + st.episode + (st.robotKind === 'simulated' ? ' (seed ' + st.seed + ')' : '') +
    ' | ' + st.steps.length + ' step' + (st.steps.length === 1 ? '' : 's') + ' recorded | view ' + st.view + (st.viewOK ? '' : ' (stale)');
  const total = st.savedEpisodes.length;
  $('session').textContent = 'saved this session: ' + st.savedThisSession + ' episode' + (st.savedThisSession === 1 ? '' : 's') +
    (st.failedThisSession ? ' (+ ' + st.failedThisSession + ' set apart as failed)' : '') + ' | in the folder: ' + total;
  syncInstruction(st);
  const list = $('suggestions');
  const opts = st.instructionSuggestions.map((s) => '<option value="' + s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;') + '">').join('');
  if (list.dataset.opts !== opts) { list.innerHTML = opts; list.dataset.opts = opts; }
  const deg = (placeYaw(S.bin) * 180 / Math.PI).toFixed(0);
  $('phase').textContent = st.busy ? ('Busy: ' + st.busy + ' ...')
    : !S.pick ? 'Click the pick point'
    : !S.place ? (pickTurns() ? 'Gripper at bin ' + S.pickBin + ' (drag from the pick, wheel or [ ] to turn); click the place point'
                              : 'Click the place point (drag from it to turn)')
    : 'Turn the place rotation (bin ' + S.bin + ' of ' + st.rotationBins + ', yaw ' + deg + ' deg), then ' + (manual ? 'move the object by hand and click Captured' : 'Confirm');
  $('confirm').innerHTML = (manual ? 'Captured' : 'Confirm') + '<kbd>Enter</kbd>';
  $('confirm').disabled = !(S.pick && S.place && st.viewOK) || !!st.busy || S.busy;
  $('undo').disabled = st.steps.length === 0 || !!st.busy;
  $('end').disabled = st.steps.length === 0 || !!st.busy || S.busy;
  $('keepRow').style.display = st.goal == null ? 'flex' : 'none';
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
    S.poses = await api('/api/preview', withPickBin({ view: S.view, pick: S.pick, place: S.place, rotationBin: S.bin }));
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
    await api('/api/preview', withPickBin({ view: S.view, pick: S.pick, place: S.pick, rotationBin: 0 }));
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
    clearClicks();
    S.pick = cell;
    if (pickTurns()) { S.dragging = true; S.dragTarget = 'pick'; S.dragStart = [x, y]; }
    checkPick();
  } else {
    S.place = cell; S.dragging = true; S.dragTarget = 'place'; S.dragStart = [x, y];
    preview();
  }
  render();
});
canvas.addEventListener('mousemove', (ev) => {
  if (!S.dragging) return;
  const r = canvas.getBoundingClientRect();
  const dx = ev.clientX - r.left - S.dragStart[0], dy = ev.clientY - r.top - S.dragStart[1];
  if (dx * dx + dy * dy < 64) return;
  const bin = binFromVector(dx, dy);
  if (S.dragTarget === 'pick' && bin !== S.pickBin) { S.pickBin = bin; render(); }
  if (S.dragTarget === 'place' && S.place && bin !== S.bin) { S.bin = bin; render(); }
});
window.addEventListener('mouseup', () => {
  if (!S.dragging) return;
  S.dragging = false;
  if (S.dragTarget === 'pick') checkPick(); else preview();
});
canvas.addEventListener('wheel', (ev) => {
  if (!S.place && !(S.pick && pickTurns())) return;
  ev.preventDefault();
  turn(ev.deltaY > 0 ? 1 : -1);
}, { passive: false });

let previewTimer = null;
// Turns the place, or (--pick-rotation) the pick while no place is clicked yet.
function turn(step) {
  const n = S.state.rotationBins;
  if (!S.place && S.pick && pickTurns()) {
    S.pickBin = ((S.pickBin + step) % n + n) % n;
    render();
    return;
  }
  if (!S.place) return;
  S.bin = ((S.bin + step) % n + n) % n;
  render();
  clearTimeout(previewTimer);
  previewTimer = setTimeout(preview, 120);
}

async function run(label, fn) {
  if (S.busy) return;
  S.busy = true; render();
  if (S.refreshing) await S.refreshing;  // a live refresh in flight finishes first (it does not move the robot)
  try { await fn(); } catch (e) { setMessage(e.message, true); }
  S.busy = false;
  await loadState();
}

async function confirmStep() {
  if (!S.pick || !S.place) { setMessage('click the pick point and the place point first', true); return; }
  const instruction = $('instruction').value;
  await run('step', async () => {
    setMessage(S.state.robotKind === 'manual' ? 'recording ...' : 'the robot is executing ...');
    const st = await api('/api/step', withPickBin({ view: S.view, pick: S.pick, place: S.place, rotationBin: S.bin, instruction }));
    clearClicks();
    S.state = st;
    setMessage(st.message + (st.error ? ' | ' + st.error : ''), !!st.error);
  });
}

async function simple(path, label, body) {
  await run(label, async () => {
    const st = await api(path, body);
    S.state = st;
    clearClicks();
    setMessage(st.message + (st.error ? ' | ' + st.error : ''), !!st.error);
  });
}

function discard() {
  if (S.discardArmed > Date.now()) { S.discardArmed = 0; simple('/api/discard', 'discard'); }
  else { S.discardArmed = Date.now() + 3000; setMessage('press Discard (or D) again within 3 s to drop this episode\'s steps'); render(); }
}

function openEndDialog() {
  const st = S.state;
  if (!st || st.steps.length === 0 || st.busy || S.busy) { if (st && st.steps.length === 0) setMessage('the episode has no steps yet', true); return; }
  S.dialog = true;
  $('progress').style.display = 'none';
  $('dialogEpisode').textContent = st.episode + ' (' + st.steps.length + ' step' + (st.steps.length === 1 ? '' : 's') + ')';
  const reward = st.steps.reduce((a, s) => a + s.reward, 0);
  $('dialogText').textContent = st.robotKind === 'simulated'
    ? 'The simulator scores it ' + reward.toFixed(2) + ' of 1' + (reward > 0.99 ? ' (success).' : ': not finished, so saving it as a success will be refused.') +
      ' A failure is kept apart in failed/ and the episode is recorded again.'
    : 'Did the robot complete the task? A success is saved to the dataset; a failure is kept apart in failed/ (success = 0) and the episode is recorded again.';
  $('dialog').style.display = 'flex';
}
function closeEndDialog() { S.dialog = false; $('dialog').style.display = 'none'; }

async function endEpisode(outcome) {
  closeEndDialog();
  const started = Date.now();
  $('progress').style.display = 'block';
  $('progressText').textContent = 'saving ...';
  $('progressFill').style.width = '5%';
  // Poll the state while the server saves: it says which stage it is in.
  const poll = setInterval(async () => {
    try {
      const st = await (await fetch('/api/state', { cache: 'no-store' })).json();
      if (!st.busy) return;
      const m = /\((\d) of (\d)\)/.exec(st.busy);
      $('progressText').textContent = st.busy + ' ... ' + ((Date.now() - started) / 1000).toFixed(1) + ' s';
      if (m) $('progressFill').style.width = Math.round(100 * m[1] / m[2]) + '%';
    } catch (e) { /* the final reply tells */ }
  }, 200);
  const before = S.state.savedThisSession + S.state.failedThisSession;
  try { await simple('/api/end', 'end', { outcome }); } finally {
    clearInterval(poll);
    const ended = S.state && S.state.savedThisSession + S.state.failedThisSession > before;
    $('progressFill').style.width = ended ? '100%' : '0';
    $('progressText').textContent = ended ? 'saved in ' + ((Date.now() - started) / 1000).toFixed(1) + ' s'
      : 'not saved (the message below says why)';
    setTimeout(() => { if (!S.busy) $('progress').style.display = 'none'; }, 4000);
  }
}

async function refresh(quiet) {
  if (S.busy || S.refreshing) return;
  S.lastRefresh = Date.now();
  S.refreshing = (async () => {
    try {
      S.state = await api('/api/refresh');
      if (!quiet) setMessage('view refreshed');
    } catch (e) {
      setMessage(e.message, true);
    }
    await loadState();
  })();
  try { await S.refreshing; } finally { S.refreshing = null; }
}

$('confirm').onclick = confirmStep;
$('undo').onclick = () => simple('/api/undo', 'undo');
$('end').onclick = openEndDialog;
$('endSuccess').onclick = () => endEpisode('success');
$('endFailure').onclick = () => endEpisode('failure');
$('endCancel').onclick = closeEndDialog;
$('discard').onclick = discard;
$('refresh').onclick = () => refresh(false);
$('clear').onclick = () => { clearClicks(); setMessage(''); render(); };
$('heightToggle').onclick = () => { S.showHeight = !S.showHeight; render(); };

document.addEventListener('keydown', (ev) => {
  if (S.dialog) {  // the end dialog takes the keys: Y, N or Esc (Enter does nothing, so no keystroke ends by accident)
    const k = ev.key.toLowerCase();
    ev.preventDefault();
    if (k === 'y') endEpisode('success'); else if (k === 'n') endEpisode('failure'); else if (k === 'escape') closeEndDialog();
    return;
  }
  const typing = document.activeElement === $('instruction');
  if (ev.key === 'Enter') { ev.preventDefault(); confirmStep(); return; }
  if (ev.key === 'Escape') { $('clear').onclick(); if (typing) $('instruction').blur(); return; }
  if (typing || ev.ctrlKey || ev.metaKey || ev.altKey) return;
  const k = ev.key.toLowerCase();
  if (k === 'e') openEndDialog();
  else if (k === 'u') simple('/api/undo', 'undo');
  else if (k === 'd') discard();
  else if (k === 'r') refresh(false);
  else if (k === 'h') $('heightToggle').onclick();
  else if (k === '[') turn(-1);
  else if (k === ']') turn(1);
});

setInterval(() => {
  if (S.busy || S.dialog) return;
  // A new capture only once the page shows the latest one: a view dropped because a click came first is
  // fetched again before the next refresh, so the shown view is never more than one capture old.
  const current = S.state && S.view === S.state.view;
  if ($('live').checked && !clickPending() && current && Date.now() - S.lastRefresh > EVERY) refresh(true); else loadState();
}, Math.min(1000, Math.max(50, EVERY / 2)));
loadState().then(() => { if (S.state) setMessage(S.state.message, false); });
