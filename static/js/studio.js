// The studio: jump from a problem's line number to that line in its editor (the lesson or
// question text, or an analogy's icon or scene SVG).
(function () {
  "use strict";

  function goToLine(editor, line) {
    var lines = editor.value.split("\n");
    var start = 0;
    for (var i = 0; i < line - 1 && i < lines.length; i += 1) {
      start += lines[i].length + 1;
    }
    var end = start + (lines[line - 1] || "").length;
    editor.focus();
    editor.setSelectionRange(start, end);
    var lineHeight = editor.scrollHeight / Math.max(lines.length, 1);
    editor.scrollTop = Math.max(0, (line - 3) * lineHeight);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest(".studio-line");
    if (!button) {
      return;
    }
    var editor = button.dataset.editor
      ? document.getElementById(button.dataset.editor)
      : document.querySelector(".studio-editor");
    if (editor) {
      goToLine(editor, parseInt(button.dataset.line, 10) || 1);
    }
  });

  document.addEventListener("focusin", function (event) {
    if (event.target.classList && event.target.classList.contains("studio-share__link")) {
      event.target.select();
    }
  });
})();
