/*
 * controls.js -- generic player controls for micrograd_ed's self-contained pages.
 *
 * API (one global, MGControls):
 *
 *   MGControls.data(id = "mg-data")
 *       The JSON that micrograd_ed.viz.core.page embedded (element id "mg-data").
 *
 *   var player = MGControls.create({
 *       count: N,                 // number of steps (>= 1); steps are 0 .. N-1
 *       render: function (k) {},  // draw step k; called for every step shown
 *       start: 0,                 // the step shown first (default 0)
 *       interval: 900,            // ms per step at speed 1x while playing
 *       container: "controls"     // id of the element the controls are built into
 *   });
 *   player.go(k); player.next(); player.prev(); player.first(); player.last();
 *   player.play(); player.pause(); player.toggle();
 *   player.index();   // the step shown now
 *   player.playing(); // true while playing
 *
 * It builds, into <div id="controls">: buttons #first, #prev, #play (play/pause), #next,
 * #last, a slider #slider (input range 0 .. N-1), a speed menu #speed (0.25x .. 4x) and
 * the counter #counter, which reads "k / N" (k counts from 1). Keys, anywhere on the page
 * (not while typing in a text field or menu): ArrowRight next, ArrowLeft previous,
 * Home first, End last, Space play/pause. Playing stops at the last step; play from the
 * last step starts again at the first. Plain ES5, no libraries, nothing fetched.
 */
(function () {
  "use strict";

  var SPEEDS = [0.25, 0.5, 1, 2, 4];

  function data(id) {
    var el = document.getElementById(id || "mg-data");
    if (!el) { throw new Error("no embedded data element #" + (id || "mg-data")); }
    return JSON.parse(el.textContent);
  }

  function button(id, text, title) {
    var b = document.createElement("button");
    b.type = "button";
    b.id = id;
    b.textContent = text;
    b.title = title;
    b.setAttribute("aria-label", title);
    // a mouse click must not leave the focus on the button: Space would press it again
    b.addEventListener("mousedown", function (e) { e.preventDefault(); });
    return b;
  }

  function create(options) {
    var count = Math.max(1, options.count | 0);
    var render = options.render;
    var interval = options.interval || 900;
    var host = document.getElementById(options.container || "controls");
    if (!host) { throw new Error("no element #" + (options.container || "controls")); }
    var current = -1;
    var timer = null;
    var speed = 1;

    var first = button("first", "\u21e4", "first step (Home)");
    var prev = button("prev", "|\u25c0", "previous step (\u2190)");
    var play = button("play", "\u25b6", "play / pause (Space)");
    var next = button("next", "\u25b6|", "next step (\u2192)");
    var last = button("last", "\u21e5", "last step (End)");
    var slider = document.createElement("input");
    slider.type = "range";
    slider.id = "slider";
    slider.min = "0";
    slider.max = String(count - 1);
    slider.step = "1";
    slider.value = "0";
    slider.setAttribute("aria-label", "step");
    var speedBox = document.createElement("select");
    speedBox.id = "speed";
    speedBox.title = "speed";
    speedBox.setAttribute("aria-label", "speed");
    SPEEDS.forEach(function (s) {
      var o = document.createElement("option");
      o.value = String(s);
      o.textContent = s + "\u00d7";
      if (s === 1) { o.selected = true; }
      speedBox.appendChild(o);
    });
    var counter = document.createElement("span");
    counter.id = "counter";
    counter.setAttribute("aria-live", "polite");
    host.classList.add("mg-controls");
    [first, prev, play, next, last, slider, speedBox, counter].forEach(function (el) {
      host.appendChild(el);
    });

    function go(k) {
      k = Math.max(0, Math.min(count - 1, k | 0));
      if (k === current) { return; }
      current = k;
      slider.value = String(k);
      counter.textContent = (k + 1) + " / " + count;
      render(k);
    }
    function stopTimer() {
      if (timer !== null) { clearInterval(timer); timer = null; }
    }
    function pause() {
      stopTimer();
      play.textContent = "\u25b6";
      play.classList.remove("playing");
    }
    function tick() {
      if (current >= count - 1) { pause(); return; }
      go(current + 1);
      if (current >= count - 1) { pause(); }
    }
    function startTimer() {
      stopTimer();
      timer = setInterval(tick, interval / speed);
    }
    function doPlay() {
      if (count < 2) { return; }
      if (current >= count - 1) { go(0); }
      play.textContent = "\u275a\u275a";
      play.classList.add("playing");
      startTimer();
    }
    function toggle() { if (timer === null) { doPlay(); } else { pause(); } }
    // a manual step pauses playing, as in every video player
    function stepTo(k) { pause(); go(k); }

    first.addEventListener("click", function () { stepTo(0); });
    prev.addEventListener("click", function () { stepTo(current - 1); });
    play.addEventListener("click", toggle);
    next.addEventListener("click", function () { stepTo(current + 1); });
    last.addEventListener("click", function () { stepTo(count - 1); });
    slider.addEventListener("input", function () { stepTo(parseInt(slider.value, 10)); });
    speedBox.addEventListener("change", function () {
      speed = parseFloat(speedBox.value) || 1;
      if (timer !== null) { startTimer(); }
    });
    document.addEventListener("keydown", function (e) {
      if (e.ctrlKey || e.metaKey || e.altKey) { return; }
      var t = e.target;
      var tag = t && t.tagName ? t.tagName.toLowerCase() : "";
      if (tag === "textarea" || tag === "select" || (t && t.isContentEditable)) { return; }
      if (tag === "input" && t.type !== "range") { return; }
      var key = e.key;
      if (key === " " || key === "Spacebar") {
        if (tag === "button") { return; }   // a focused button presses itself
        toggle();
      } else if (key === "ArrowRight") {
        stepTo(current + 1);
      } else if (key === "ArrowLeft") {
        stepTo(current - 1);
      } else if (key === "Home") {
        stepTo(0);
      } else if (key === "End") {
        stepTo(count - 1);
      } else {
        return;
      }
      e.preventDefault();
    });

    go(options.start || 0);
    return {
      go: stepTo,
      next: function () { stepTo(current + 1); },
      prev: function () { stepTo(current - 1); },
      first: function () { stepTo(0); },
      last: function () { stepTo(count - 1); },
      play: doPlay,
      pause: pause,
      toggle: toggle,
      index: function () { return current; },
      playing: function () { return timer !== null; },
      count: count
    };
  }

  window.MGControls = { create: create, data: data, SPEEDS: SPEEDS };
}());
