// Filter the timeline by a place or person; without JavaScript the whole timeline shows.
(function () {
  "use strict";
  var entries = Array.prototype.slice.call(document.querySelectorAll(".timeline .entry"));
  var heading = document.querySelector("main h1");
  if (!entries.length || !heading) return;
  // Made here, not in the page: without JavaScript it would be a filter that does nothing.
  var box = document.createElement("div");
  box.className = "timeline-filter";
  var label = document.createElement("label");
  label.htmlFor = "timeline-place";
  label.textContent = "اعرض ما يخص:";
  var select = document.createElement("select");
  select.id = "timeline-place";
  var any = document.createElement("option");
  any.value = "";
  any.textContent = "كل الأماكن والأشخاص";
  select.appendChild(any);
  box.append(label, " ", select);
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
  heading.after(box);
})();
