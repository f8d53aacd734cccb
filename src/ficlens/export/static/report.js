// ficlens report: tooltips, the network graph, profile links. Vanilla JS, no network.
// Text from the work only ever reaches the page through textContent, never innerHTML.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("ficlens-data").textContent);
  var names = data.names || {};
  var SVG = "http://www.w3.org/2000/svg";

  function nameOf(id) { return names[id] || id; }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // -- tooltip ------------------------------------------------------------------
  var tip = document.getElementById("tip");
  var tipOwner = null;

  function tipLines(target) {
    var qid = target.getAttribute("data-q");
    if (qid && data.quotes[qid]) {
      var q = data.quotes[qid];
      var who = q.s ? nameOf(q.s) : "Unknown speaker";
      if (q.to && q.to.length) who += " → " + q.to.map(nameOf).join(", ");
      var meta = [q.k || "unattributed"];
      if (q.s) meta.push(Math.round(q.c * 100) + "% confident");
      return [who, meta.join(" · ")];
    }
    var pid = target.getAttribute("data-p");
    if (pid && data.passages[pid]) {
      var p = data.passages[pid];
      var kind = p.k === "thoughts" ? "Thought" : "Written message";
      return [p.s ? kind + " — " + nameOf(p.s) : kind, pid];
    }
    var nid = target.getAttribute("data-node");
    if (nid) {
      var node = nodesById[nid];
      var links = (neighbours[nid] || []).length;
      return [node.name, node.mentions + " mentions · " + node.lines + " lines · " + links + (links === 1 ? " link" : " links")];
    }
    return null;
  }

  function showTip(target) {
    var lines = tipLines(target);
    if (!lines) return;
    tipOwner = target;
    tip.replaceChildren(el("div", "tip-who", lines[0]), el("div", "tip-meta", lines[1]));
    tip.hidden = false;
    var r = target.getBoundingClientRect();
    var w = tip.offsetWidth, h = tip.offsetHeight;
    var x = Math.min(Math.max(8, r.left), window.innerWidth - w - 8);
    var y = r.top - h - 8;
    if (y < 8) y = r.bottom + 8;
    tip.style.left = x + "px";
    tip.style.top = y + "px";
  }
  function hideTip() { tip.hidden = true; tipOwner = null; }
  function tipTarget(e) {
    return e.target.closest ? e.target.closest("[data-q],[data-p],[data-node]") : null;
  }
  document.addEventListener("mouseover", function (e) { var t = tipTarget(e); if (t) showTip(t); });
  document.addEventListener("mouseout", function (e) { var t = tipTarget(e); if (t && t === tipOwner) hideTip(); });
  document.addEventListener("focusin", function (e) { var t = tipTarget(e); if (t) showTip(t); else hideTip(); });
  document.addEventListener("keydown", function (e) { if (e.key === "Escape") hideTip(); });
  window.addEventListener("scroll", function () { if (tipOwner) showTip(tipOwner); }, { passive: true });

  // -- profiles: a link to #char-X opens that profile -------------------------------
  function openTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (target && target.tagName === "DETAILS") target.open = true;
  }
  window.addEventListener("hashchange", openTarget);
  openTarget();
  // print every profile and note, then give the reader back the page as it was
  var openedForPrint = [];
  window.addEventListener("beforeprint", function () {
    openedForPrint = Array.prototype.filter.call(document.querySelectorAll("details"), function (d) { return !d.open; });
    openedForPrint.forEach(function (d) { d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    openedForPrint.forEach(function (d) { d.open = false; });
    openedForPrint = [];
  });

  // -- network graph ----------------------------------------------------------------
  var graph = data.network || { nodes: [], edges: [] };
  var nodesById = {};
  var neighbours = {};
  graph.nodes.forEach(function (n) { nodesById[n.id] = n; neighbours[n.id] = []; });
  graph.edges.forEach(function (e) {
    if (nodesById[e.a] && nodesById[e.b]) { neighbours[e.a].push(e.b); neighbours[e.b].push(e.a); }
  });
  var svg = document.getElementById("graph");
  if (!svg || !graph.nodes.length) {
    if (svg) {
      var empty = document.createElementNS(SVG, "text");
      empty.setAttribute("x", 400); empty.setAttribute("y", 240); empty.setAttribute("text-anchor", "middle");
      empty.setAttribute("fill", "currentColor");
      empty.textContent = "No characters to connect.";
      svg.appendChild(empty);
    }
    return;
  }
  var W = 800, H = 480;
  var maxSize = Math.max.apply(null, graph.nodes.map(function (n) { return n.size; }).concat([1]));
  var maxWeight = Math.max.apply(null, graph.edges.map(function (e) { return e.w; }).concat([1]));
  graph.nodes.forEach(function (n, i) {
    // a deterministic start on a circle, most prominent first, so the layout is the same every time
    var angle = 2 * Math.PI * i / graph.nodes.length;
    n.r = 7 + 20 * Math.sqrt(n.size / maxSize);
    n.x = W / 2 + 170 * Math.cos(angle);
    n.y = H / 2 + 150 * Math.sin(angle);
      });
  var edges = graph.edges.filter(function (e) { return nodesById[e.a] && nodesById[e.b]; });

  // Fruchterman-Reingold with gravity: neighbours pull (heavier links harder), everyone
  // repels, a pull to the centre keeps unconnected characters in view; each step may move
  // a node at most `heat` units, and the heat cools.
  var K = 0.6 * Math.sqrt(W * H / graph.nodes.length);
  var MARGIN_X = 70, MARGIN_Y = 30;
  var GRAVITY = Math.min(1, 12 / graph.nodes.length);  // a crowd needs room more than a pull to the middle
  var LABELLED = 14;  // the most prominent characters are labelled; the rest name themselves on hover
  function tick(heat) {
    var nodes = graph.nodes, i, j, a, b, dx, dy, d, f;
    nodes.forEach(function (n) { n.dx = 0; n.dy = 0; });
    for (i = 0; i < nodes.length; i++) {
      for (j = i + 1; j < nodes.length; j++) {
        a = nodes[i]; b = nodes[j];
        dx = a.x - b.x; dy = a.y - b.y; d = Math.sqrt(dx * dx + dy * dy) || 0.1;
        f = K * K / d;
        a.dx += dx / d * f; a.dy += dy / d * f; b.dx -= dx / d * f; b.dy -= dy / d * f;
      }
    }
    edges.forEach(function (e) {
      a = nodesById[e.a]; b = nodesById[e.b];
      dx = a.x - b.x; dy = a.y - b.y; d = Math.sqrt(dx * dx + dy * dy) || 0.1;
      f = d * d / K * (0.03 + 0.6 * e.w / maxWeight);
      a.dx -= dx / d * f; a.dy -= dy / d * f; b.dx += dx / d * f; b.dy += dy / d * f;
    });
    nodes.forEach(function (n) {
      n.dx += (W / 2 - n.x) * 0.8 * GRAVITY; n.dy += (H / 2 - n.y) * 1.4 * GRAVITY;
      if (n.fixed) return;
      d = Math.sqrt(n.dx * n.dx + n.dy * n.dy) || 0.1;
      n.x += n.dx / d * Math.min(d, heat); n.y += n.dy / d * Math.min(d, heat);
      n.x = Math.max(MARGIN_X, Math.min(W - MARGIN_X, n.x));
      n.y = Math.max(MARGIN_Y, Math.min(H - MARGIN_Y - 14, n.y));
    });
  }
  for (var k = 0; k < 300; k++) tick(60 * (1 - k / 300) + 0.5);

  var edgeLayer = document.createElementNS(SVG, "g");
  var nodeLayer = document.createElementNS(SVG, "g");
  svg.appendChild(edgeLayer); svg.appendChild(nodeLayer);
  edges.forEach(function (e) {
    var line = document.createElementNS(SVG, "line");
    line.setAttribute("class", "edge");
    line.setAttribute("stroke-width", (1 + 7 * e.w / maxWeight).toFixed(2));
    e.line = line;
    edgeLayer.appendChild(line);
  });
  graph.nodes.forEach(function (n, i) {
    var g = document.createElementNS(SVG, "g");
    g.setAttribute("class", "node" + (n.colour !== null && n.colour !== undefined ? " spk-" + n.id : ""));
    g.setAttribute("tabindex", "0");
    g.setAttribute("role", "button");
    g.setAttribute("data-node", n.id);
    g.setAttribute("aria-label", n.name + ", " + (neighbours[n.id] || []).length + " links; arrow keys move it");
    var c = document.createElementNS(SVG, "circle");
    c.setAttribute("r", n.r.toFixed(1));
    var label = document.createElementNS(SVG, "text");
    label.setAttribute("text-anchor", "middle");
    label.setAttribute("dy", (n.r + 14).toFixed(1));
    label.textContent = n.name;
    if (i >= LABELLED) label.setAttribute("class", "minor");
    g.appendChild(c); g.appendChild(label);
    n.el = g;
    nodeLayer.appendChild(g);
  });

  function draw() {
    edges.forEach(function (e) {
      var a = nodesById[e.a], b = nodesById[e.b];
      e.line.setAttribute("x1", a.x.toFixed(1)); e.line.setAttribute("y1", a.y.toFixed(1));
      e.line.setAttribute("x2", b.x.toFixed(1)); e.line.setAttribute("y2", b.y.toFixed(1));
    });
    graph.nodes.forEach(function (n) { n.el.setAttribute("transform", "translate(" + n.x.toFixed(1) + "," + n.y.toFixed(1) + ")"); });
  }
  draw();

  function highlight(id) {
    svg.classList.toggle("focused", !!id);
    var near = {};
    if (id) { near[id] = true; neighbours[id].forEach(function (m) { near[m] = true; }); }
    graph.nodes.forEach(function (n) { n.el.classList.toggle("near", !!near[n.id]); });
    edges.forEach(function (e) { e.line.classList.toggle("near", !!id && (e.a === id || e.b === id)); });
  }
  function nodeOf(target) {
    var g = target.closest && target.closest("[data-node]");
    return g ? nodesById[g.getAttribute("data-node")] : null;
  }
  svg.addEventListener("mouseover", function (e) { var n = nodeOf(e.target); if (n) highlight(n.id); });
  svg.addEventListener("mouseout", function (e) { if (nodeOf(e.target) && !dragging) highlight(null); });
  svg.addEventListener("focusin", function (e) { var n = nodeOf(e.target); if (n) highlight(n.id); });
  svg.addEventListener("focusout", function () { highlight(null); });

  // dragging with a mouse, pen or finger; the rest of the graph relaxes around the moved node
  var dragging = null;
  function svgPoint(e) {
    var r = svg.getBoundingClientRect();
    return { x: (e.clientX - r.left) * W / r.width, y: (e.clientY - r.top) * H / r.height };
  }
  function relax(steps) { for (var i = 0; i < steps; i++) tick(6); draw(); }
  svg.addEventListener("pointerdown", function (e) {
    var n = nodeOf(e.target);
    if (!n) return;
    dragging = n; n.fixed = true;
    n.el.classList.add("dragging");
    svg.setPointerCapture(e.pointerId);
    e.preventDefault();
  });
  svg.addEventListener("pointermove", function (e) {
    if (!dragging) return;
    var p = svgPoint(e);
    dragging.x = Math.max(dragging.r, Math.min(W - dragging.r, p.x));
    dragging.y = Math.max(dragging.r, Math.min(H - dragging.r, p.y));
    relax(2);
    if (tipOwner) showTip(dragging.el);
  });
  function endDrag() {
    if (!dragging) return;
    dragging.el.classList.remove("dragging");
    dragging = null;
    highlight(null);
  }
  svg.addEventListener("pointerup", endDrag);
  svg.addEventListener("pointercancel", endDrag);
  svg.addEventListener("keydown", function (e) {
    var n = nodeOf(e.target);
    var step = { ArrowLeft: [-12, 0], ArrowRight: [12, 0], ArrowUp: [0, -12], ArrowDown: [0, 12] }[e.key];
    if (!n || !step) return;
    n.fixed = true;
    n.x = Math.max(n.r, Math.min(W - n.r, n.x + step[0]));
    n.y = Math.max(n.r, Math.min(H - n.r, n.y + step[1]));
    relax(2);
    showTip(n.el);
    e.preventDefault();
  });
})();
