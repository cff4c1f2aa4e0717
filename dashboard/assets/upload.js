/* The upload page's file input (Dash has no <input type=file>): put into the drop zone of
   #upload-form, covering it, so a dropped file lands on it natively; the zone lights up while a
   file is dragged over it, shows the chosen names, and a drop sends the form at once. */
(function () {
  function equip(zone) {
    if (zone.querySelector("input[type=file]")) { return; }
    var input = document.createElement("input");
    input.type = "file"; input.name = "file"; input.id = "upload-file"; input.multiple = true;
    input.accept = ".xlsx,.xlsm,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    input.className = "upload-file";
    zone.appendChild(input);
    var dropped = false;
    var names = zone.querySelector(".upload-drop-files");
    ["dragenter", "dragover"].forEach(function (e) { input.addEventListener(e, function () { zone.classList.add("dragging"); }); });
    ["dragleave", "drop"].forEach(function (e) { input.addEventListener(e, function () { zone.classList.remove("dragging"); }); });
    input.addEventListener("drop", function () { dropped = true; });
    input.addEventListener("change", function () {
      if (names) { names.textContent = Array.prototype.map.call(input.files, function (f) { return f.name; }).join(", "); }
      if (dropped && input.files.length) { dropped = false; zone.closest("form").requestSubmit(); }
    });
  }
  new MutationObserver(function () {
    document.querySelectorAll("#upload-form .upload-drop").forEach(equip);
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
