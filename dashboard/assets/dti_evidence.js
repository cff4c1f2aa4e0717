/* The DTI self-assessment's evidence forms (/chi-so/dti): Dash has no <input type=file>, so one
   is put into each form's .dti-evidence-slot as the page draws it. Several files may go at once. */
(function () {
  function equip(slot) {
    if (slot.querySelector("input[type=file]")) { return; }
    var input = document.createElement("input");
    input.type = "file"; input.name = "file"; input.multiple = true; input.required = true;
    input.accept = ".pdf,.docx,.xlsx,application/pdf," +
      "application/vnd.openxmlformats-officedocument.wordprocessingml.document," +
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    input.className = "dti-evidence-file";
    slot.appendChild(input);
  }
  new MutationObserver(function () {
    document.querySelectorAll(".dti-evidence-slot").forEach(equip);
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
