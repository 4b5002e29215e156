// Filter the timeline by a place or person; without JavaScript the whole timeline shows.
(function () {
  "use strict";
  var box = document.querySelector(".timeline-filter");
  var select = document.getElementById("timeline-place");
  var entries = Array.prototype.slice.call(document.querySelectorAll(".timeline .entry"));
  if (!box || !select || !entries.length) return;
  var names = {};
  entries.forEach(function (entry) {
    (entry.dataset.places + "|" + entry.dataset.people).split("|").forEach(function (name) { if (name) names[name] = true; });
  });
  Object.keys(names).sort(function (a, b) { return a.localeCompare(b, "ar"); }).forEach(function (name) {
    var option = document.createElement("option");
    option.value = name;
    option.textContent = name;
    select.appendChild(option);
  });
  select.addEventListener("change", function () {
    var wanted = select.value;
    entries.forEach(function (entry) {
      var own = (entry.dataset.places + "|" + entry.dataset.people).split("|");
      entry.hidden = Boolean(wanted) && own.indexOf(wanted) < 0;
    });
  });
  box.hidden = false;
})();
