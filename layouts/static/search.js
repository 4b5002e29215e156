// Search the dossier with Pagefind's index, served from this site. Arabic stemming is Pagefind's.
(function () {
  "use strict";
  var script = document.currentScript;
  var input = document.getElementById("search-query");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var filterBox = document.getElementById("search-filters");
  var KIND_NAMES = { places: "المكان", people: "الشخص", organizations: "المنظمة", sources: "المصدر" };
  var query = new URLSearchParams(location.search).get("q") || "";
  input.value = query;
  if (location.protocol === "file:") {
    document.getElementById("search-file-notice").hidden = false;
    return;
  }
  var pagefindUrl = new URL(script.dataset.pagefind, location.href);
  var siteRoot = new URL("../", pagefindUrl);
  var pagefind = null;
  var selects = {};

  function excerptNodes(html) {
    // Keep only text and <mark>: nothing from the index is ever parsed as live HTML.
    var doc = new DOMParser().parseFromString("<p>" + html + "</p>", "text/html");
    var out = document.createDocumentFragment();
    doc.body.firstChild.childNodes.forEach(function (node) {
      if (node.nodeName === "MARK") {
        var mark = document.createElement("mark");
        mark.textContent = node.textContent;
        out.appendChild(mark);
      } else {
        out.appendChild(document.createTextNode(node.textContent));
      }
    });
    return out;
  }

  function activeFilters() {
    var filters = {};
    Object.keys(selects).forEach(function (kind) {
      if (selects[kind].value) filters[kind] = selects[kind].value;
    });
    return filters;
  }

  function buildFilters(available) {
    Object.keys(KIND_NAMES).forEach(function (kind) {
      var values = Object.keys(available[kind] || {});
      if (!values.length) return;
      var id = "filter-" + kind;
      var label = document.createElement("label");
      label.htmlFor = id;
      label.textContent = KIND_NAMES[kind] + ": ";
      var select = document.createElement("select");
      select.id = id;
      var any = document.createElement("option");
      any.value = "";
      any.textContent = "الكل";
      select.appendChild(any);
      values.sort(function (a, b) { return a.localeCompare(b, "ar"); }).forEach(function (value) {
        var option = document.createElement("option");
        option.value = value;
        option.textContent = value + " (" + available[kind][value] + ")";
        select.appendChild(option);
      });
      select.addEventListener("change", run);
      selects[kind] = select;
      label.appendChild(select);
      filterBox.appendChild(label);
      filterBox.appendChild(document.createTextNode(" "));
    });
  }

  function run() {
    var q = input.value.trim();
    var filters = activeFilters();
    if (!q && !Object.keys(filters).length) {
      status.textContent = "اكتب كلمة للبحث.";
      list.replaceChildren();
      return;
    }
    status.textContent = "جارٍ البحث…";
    pagefind.search(q || null, { filters: filters }).then(function (search) {
      return Promise.all(search.results.slice(0, 50).map(function (r) { return r.data(); }));
    }).then(function (results) {
      list.replaceChildren();
      results.forEach(function (data) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = new URL(data.url.replace(/^\//, ""), siteRoot).href;
        link.textContent = (data.meta && data.meta.title) || data.url;
        var excerpt = document.createElement("p");
        excerpt.appendChild(excerptNodes(data.excerpt || ""));
        item.appendChild(link);
        item.appendChild(excerpt);
        list.appendChild(item);
      });
      status.textContent = results.length ? "النتائج: " + results.length : "لا نتائج لهذا البحث.";
    });
  }

  import(pagefindUrl.href).then(function (module) {
    pagefind = module;
    return pagefind.options({ baseUrl: "/" }).then(function () { return pagefind.filters(); });
  }).then(function (available) {
    buildFilters(available);
    document.querySelector(".search-page-form").addEventListener("submit", function (event) {
      event.preventDefault();
      history.replaceState(null, "", "?q=" + encodeURIComponent(input.value.trim()));
      run();
    });
    if (query) run();
  }).catch(function () {
    status.textContent = "تعذّر تحميل فهرس البحث.";
  });
})();
