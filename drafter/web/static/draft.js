// The draft page's niceties; every move also works without this file (plain forms).
"use strict";
document.documentElement.classList.add("js");
document.addEventListener("DOMContentLoaded", () => {
  const paper = document.getElementById("paper");
  if (!paper) return;
  // A click on a line shows its source beneath it (hovering shows it as a tooltip).
  paper.addEventListener("click", (event) => {
    const line = event.target.closest(".line");
    if (line && paper.contains(line) && !event.target.closest("a, button, input, textarea")) {
      line.classList.toggle("open");
    }
  });
  // "编辑" opens the part's edit form (a <details>) and puts the cursor in the heading.
  for (const button of paper.querySelectorAll(".edit-toggle")) {
    button.addEventListener("click", () => {
      const details = document.getElementById(button.dataset.edit);
      if (!details) return;
      details.open = !details.open;
      if (details.open) details.querySelector("input[name=heading]")?.focus();
    });
  }
  // Back where the writer was after a move (the page is reloaded by the redirect).
  const key = "drafter-scroll";
  const saved = sessionStorage.getItem(key);
  sessionStorage.removeItem(key);
  const said = paper.querySelector(".messages.at-part");
  if (said) {
    // A move's message (a 对仗 warning, "nothing new") is at its part: show that part.
    said.closest(".part").scrollIntoView({ block: "center" });
  } else if (saved !== null) {
    window.scrollTo(0, Number(saved));
  }
  for (const form of document.querySelectorAll("form.move, .paper .edit form")) {
    form.addEventListener("submit", () => sessionStorage.setItem(key, String(window.scrollY)));
  }
});
