// Filter the timeline by a place, person or source, kept in the address (?places=…); months left empty are
// hidden and the number of entries left is announced. Without JavaScript the whole timeline shows.
(function () {
  "use strict";
  var entries = Array.prototype.slice.call(document.querySelectorAll(".timeline > .entry"));
  var heading = document.querySelector("main h1");
  var status = document.getElementById("timeline-status");
  if (!entries.length || !heading) return;
  var KINDS = [["places", "الأماكن"], ["people", "الأشخاص"], ["sources", "المصادر"]];
  var FORMS = { zero: "لا مداخل", one: "مدخل واحد", two: "مدخلان", few: "مداخل", many: "مدخلًا", other: "مدخل" };
  var rules = new Intl.PluralRules("ar");

  function names(entry, kind) { return (entry.dataset[kind] || "").split("|").filter(Boolean); }

  function countText(n) {
    var form = rules.select(n);
    return form === "zero" || form === "one" || form === "two" ? FORMS[form] : n + " " + FORMS[form];
  }

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
  any.textContent = "كل الأماكن والأشخاص والمصادر";
  select.appendChild(any);
  KINDS.forEach(function (kind) {
    var found = {};
    entries.forEach(function (entry) { names(entry, kind[0]).forEach(function (name) { found[name] = true; }); });
    var sorted = Object.keys(found).sort(function (a, b) { return a.localeCompare(b, "ar"); });
    if (!sorted.length) return;
    var group = document.createElement("optgroup");
    group.label = kind[1];
    sorted.forEach(function (name) {
      var option = document.createElement("option");
      option.value = kind[0] + ":" + name;
      option.textContent = name;
      group.appendChild(option);
    });
    select.appendChild(group);
  });
  box.append(label, " ", select);
  heading.after(box);

  function apply() {
    var wanted = select.value, at = wanted.indexOf(":");
    var kind = wanted.slice(0, at), name = wanted.slice(at + 1);
    var shown = 0;
    entries.forEach(function (entry) {
      entry.hidden = Boolean(wanted) && names(entry, kind).indexOf(name) < 0;
      if (!entry.hidden) shown++;
    });
    document.querySelectorAll("section.month, section.year").forEach(function (section) {
      section.hidden = !section.querySelector(".timeline > .entry:not([hidden])");
    });
    status.textContent = wanted ? countText(shown) + "." : "";
  }

  function remember() {
    var state = new URLSearchParams(location.search);
    KINDS.forEach(function (kind) { state.delete(kind[0]); });
    if (select.value) state.set(select.value.slice(0, select.value.indexOf(":")), select.value.slice(select.value.indexOf(":") + 1));
    var query = state.toString();
    history.replaceState(null, "", location.pathname + (query ? "?" + query : "") + location.hash);
  }

  var params = new URLSearchParams(location.search);
  KINDS.forEach(function (kind) {
    var value = kind[0] + ":" + params.get(kind[0]);
    if (params.get(kind[0]) && select.querySelector('option[value="' + CSS.escape(value) + '"]')) select.value = value;
  });
  select.addEventListener("change", function () { remember(); apply(); });
  apply();
})();
