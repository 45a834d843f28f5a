// Choosing a provision marks its words in the source and scrolls them into view.
// Without JavaScript the link still jumps to the first marked piece (CSS :target).
(function () {
  "use strict";
  function choose(id) {
    document.querySelectorAll("mark.span.active, .provision.active").forEach(function (el) {
      el.classList.remove("active");
    });
    var marks = Array.prototype.filter.call(
      document.querySelectorAll("mark.span"),
      function (m) { return (m.dataset.provisions || "").split(" ").indexOf(id) >= 0; }
    );
    marks.forEach(function (m) { m.classList.add("active"); });
    var item = document.getElementById("p-" + id);
    if (item) { item.classList.add("active"); }
    if (marks.length) { marks[0].scrollIntoView({ block: "center" }); }
    return marks.length;
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a.cite");
    if (!link) { return; }
    event.preventDefault();
    choose(link.dataset.provision);
    history.replaceState(null, "", "#p-" + link.dataset.provision);
  });
})();
