// Keeps each countdown running: the time left until its data-deadline, every second.
// Without JavaScript the deadline itself is written out beside it, and the countdown
// shows the time left when the page was made.
(function () {
  "use strict";
  function parts(ms) {
    var s = Math.max(0, Math.floor(ms / 1000));
    return { s: s, d: Math.floor(s / 86400), h: Math.floor((s % 86400) / 3600),
             m: Math.floor((s % 3600) / 60), sec: s % 60 };
  }
  function words(p) {
    if (p.s <= 0) { return "deadline passed"; }
    return (p.d ? p.d + " d " : "") + p.h + " h " + p.m + " min " + p.sec + " s left";
  }
  function tick() {
    var now = Date.now();
    document.querySelectorAll("time.countdown[data-deadline]").forEach(function (el) {
      var p = parts(Date.parse(el.getAttribute("data-deadline")) - now);
      el.textContent = words(p);
      el.setAttribute("datetime", "PT" + p.s + "S");
      el.classList.toggle("passed", p.s <= 0);
    });
  }
  tick();
  window.setInterval(tick, 1000);
})();
