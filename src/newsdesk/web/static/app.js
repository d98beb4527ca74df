// Scroll to and highlight the span named in the address: /articles/ID#p3:120-168 (paragraph 3, characters 120-168
// of its repaired text; p-1 is the title). #p3 alone scrolls to the paragraph.
(function () {
  "use strict";

  function clear() {
    document.querySelectorAll("mark.hl").forEach(function (mark) {
      var parent = mark.parentNode;
      while (mark.firstChild) parent.insertBefore(mark.firstChild, mark);
      parent.removeChild(mark);
      parent.normalize();
    });
    document.querySelectorAll(".para.target").forEach(function (el) { el.classList.remove("target"); });
  }

  // Wrap characters [start, end) of the element's text in <mark class="hl">, across nested elements.
  function highlight(root, start, end) {
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    var offset = 0, pieces = [], node;
    while ((node = walker.nextNode())) {
      var from = offset, to = offset + node.data.length;
      if (to > start && from < end) pieces.push([node, Math.max(start, from) - from, Math.min(end, to) - from]);
      offset = to;
    }
    var first = null;
    pieces.forEach(function (piece) {
      var text = piece[0];
      if (piece[2] < text.data.length) text.splitText(piece[2]);
      if (piece[1] > 0) text = text.splitText(piece[1]);
      var mark = document.createElement("mark");
      mark.className = "hl";
      text.parentNode.insertBefore(mark, text);
      mark.appendChild(text);
      first = first || mark;
    });
    return first;
  }

  function show() {
    var match = /^#p(-?\d+)(?::(\d+)-(\d+))?$/.exec(decodeURIComponent(location.hash));
    if (!match) return;
    var para = document.getElementById("p" + match[1]);
    if (!para) return;
    clear();
    para.classList.add("target");
    var target = para;
    if (match[2] !== undefined) {
      var text = para.querySelector(".text") || para;
      target = highlight(text, parseInt(match[2], 10), parseInt(match[3], 10)) || para;
    }
    target.scrollIntoView({block: "center"});
  }

  window.addEventListener("hashchange", show);
  document.addEventListener("DOMContentLoaded", show);
})();
