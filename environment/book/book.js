// Typesets the math of the markdown cells with the vendored KaTeX (no network), then marks the page as done so that
// tests (and print scripts) can wait for it.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll(".cell.md, .cites").forEach(function (el) {
    renderMathInElement(el, {
      delimiters: [
        {left: "$$", right: "$$", display: true},
        {left: "\\[", right: "\\]", display: true},
        {left: "$", right: "$", display: false},
        {left: "\\(", right: "\\)", display: false}
      ],
      throwOnError: false
    });
  });
  document.documentElement.setAttribute("data-math", "done");
});
// Printing shows every solution, unfolded.
window.addEventListener("beforeprint", function () {
  document.querySelectorAll("details.solution").forEach(function (d) { d.open = true; });
});
