// Search the dossier with Pagefind's index, served from this site. Arabic stemming is Pagefind's; arabic.js adds
// the clitic rules the stemmer lacks (it keeps و/ف before an alef and a bare ل: «والقامشلي», «وإسبر», «لسوريا»).
(function () {
  "use strict";
  var script = document.currentScript;
  var form = document.querySelector(".search-page-form");
  var input = document.getElementById("search-query");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  // Made here, not in the page: a text browser or a reader without JavaScript would meet them dead.
  var more = document.createElement("button");
  more.type = "button";
  more.id = "search-more";
  more.hidden = true;
  more.textContent = "عرض المزيد من النتائج";
  list.after(more);
  // Folded on a phone unless a filter is on, so the first result stays in view.
  var filterBox = document.createElement("details");
  filterBox.id = "search-filters";
  filterBox.className = "search-filters";
  filterBox.hidden = true;
  var filterTitle = document.createElement("summary");
  filterTitle.textContent = "تصفية النتائج";
  var filterFields = document.createElement("div");
  filterFields.className = "search-filter-fields";
  filterBox.append(filterTitle, filterFields);
  form.after(filterBox);
  var KIND_NAMES = { places: "المكان", people: "الشخص", organizations: "المنظمة", sources: "المصدر" };
  var PAGE_KINDS = { places: "صفحة مكان", people: "صفحة شخص", organizations: "صفحة منظمة", sources: "صفحة مصدر",
                     timeline: "أحداث على الخط الزمني" };
  var PAGE_SIZE = 10;
  var MIN_FORM = 3;  // shorter clitic-free forms match too many unrelated words
  var params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  var pagefindUrl = new URL(script.dataset.pagefind, location.href);
  var siteRoot = new URL("../", pagefindUrl);
  if (location.protocol === "file:") {
    status.before(fileNotice());
    more.remove();
    return;
  }
  var arabic = window.DossierArabic;
  var pagefind = null;
  var selects = {};
  var found = [];     // Pagefind results of the current search, best first
  var shown = 0;
  var generation = 0; // a newer search makes the answers of older ones moot

  function fileNotice() {
    var notice = document.createElement("p");
    notice.className = "notice";
    notice.id = "search-file-notice";
    notice.append("البحث لا يعمل عند فتح الملفات مباشرة من القرص؛ يحتاج الموقع إلى خادم ويب (مثل ");
    var command = document.createElement("code");
    command.dir = "ltr";
    command.textContent = "python build.py serve";
    notice.append(command, "). يمكنك التصفح عبر ");
    [["entities/index.html", "فهرس الأماكن والأشخاص والمنظمات والمصادر"], ["timeline/index.html", "الخط الزمني"]]
      .forEach(function (target, i) {
        var link = document.createElement("a");
        link.href = new URL(target[0], siteRoot).href;
        link.textContent = target[1];
        notice.append(i ? " أو " : "", link);
      });
    notice.append(".");
    return notice;
  }

  function countText(n) {
    if (!n) return "لا نتائج لهذا البحث.";
    var form = new Intl.PluralRules("ar").select(n);
    if (form === "one") return "نتيجة واحدة.";
    if (form === "two") return "نتيجتان.";
    return n.toLocaleString("ar-u-nu-latn") + (form === "few" ? " نتائج." : " نتيجة.");
  }

  // The spellings to search besides the query itself, each costing index downloads: the query normalized, with the
  // clitics the stemmer keeps taken off (it does take off the article, so a form with the article is preferred);
  // then with a final ه written ة in short words (the stemmer folds ة into ه only past three letters: «قوة», «سنة»).
  function alternatives(q) {
    var bare = arabic.words(q).map(function (word) {
      var forms = arabic.wordForms(word).filter(function (f) { return f.length >= MIN_FORM; });
      var withArticle = forms.filter(function (f) { return f.indexOf("ال") === 0; });
      var pool = withArticle.length ? withArticle : forms;
      return pool.sort(function (a, b) { return a.length - b.length; })[0] || word;
    });
    var spellings = [bare.join(" "), bare.map(function (w) {
      return w.replace(/^(ال)?(..)ه$/, "$1$2ة");
    }).join(" ")];
    return spellings.filter(function (text, i) { return text && text !== q && spellings.indexOf(text) === i; });
  }

  // The entities a query names in any of their spellings, Latin ones too («ترمب», «كوباني», «Cairo»), as
  // [kind, name] pairs: the build lists every spelling of each entity with articles in spellings.json.
  var spellings = {};
  function entitiesNamed(q) {
    var words = arabic.words(q);
    if (!words.length) return [];
    var keys = arabic.wordForms(words[0]).map(function (first) { return [first].concat(words.slice(1)).join(" "); });
    var named = [];
    keys.forEach(function (key) {
      (spellings[key] || []).forEach(function (entity) {
        if (!named.some(function (e) { return e[0] === entity[0] && e[1] === entity[1]; })) named.push(entity);
      });
    });
    return named;
  }

  // Every clitic-free form of every word of a query, as a set.
  function formsOf(q) {
    var forms = {};
    arabic.words(q).forEach(function (w) { arabic.wordForms(w).forEach(function (f) { forms[f] = true; }); });
    return forms;
  }

  // The filter counts without the pages counted twice (in a shard and in the delta).
  function uncounted(available, twice) {
    Object.keys(twice).forEach(function (kind) {
      Object.keys(twice[kind]).forEach(function (value) {
        if (!available[kind] || !(value in available[kind])) return;
        available[kind][value] -= twice[kind][value];
        if (available[kind][value] <= 0) delete available[kind][value];
      });
    });
    return available;
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
      var label = document.createElement("label");
      var select = document.createElement("select");
      select.id = "filter-" + kind;
      select.name = kind;
      label.htmlFor = select.id;
      label.textContent = KIND_NAMES[kind] + ": ";
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
      select.value = values.indexOf(params.get(kind)) >= 0 ? params.get(kind) : "";
      select.addEventListener("change", function () { remember(); run(); });
      selects[kind] = select;
      label.appendChild(select);
      filterFields.appendChild(label);
    });
    filterBox.hidden = !Object.keys(selects).length;
    filterBox.open = matchMedia("(min-width: 40rem)").matches || Object.keys(activeFilters()).length > 0;
  }

  // Keep the query and filters in the address, so a search can be bookmarked and shared.
  function remember() {
    var state = new URLSearchParams();
    if (input.value.trim()) state.set("q", input.value.trim());
    var filters = activeFilters();
    Object.keys(filters).forEach(function (kind) { state.set(kind, filters[kind]); });
    history.replaceState(null, "", "?" + state.toString());
  }

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

  // Pagefind's excerpt, unless it falls in the hidden list of clitic-free forms an article may carry for the index:
  // then the words around the first match in the article's own text.
  function excerpt(data, queryForms) {
    var forms = data.meta && data.meta.forms;
    var content = data.content || "";
    var visible = forms && content.lastIndexOf(forms) > 0 ? content.slice(0, content.lastIndexOf(forms)) : content;
    var plain = excerptNodes(data.excerpt || "").textContent.replace(/\s+/g, " ").trim();
    if (!forms || visible.replace(/\s+/g, " ").indexOf(plain) >= 0) return excerptNodes(data.excerpt || "");
    var all = visible.split(/\s+/).filter(Boolean);
    function matches(word) {
      return arabic.words(word).some(function (w) {
        return arabic.wordForms(w).some(function (f) { return queryForms[f]; });
      });
    }
    var at = all.findIndex(matches);
    var start = Math.max(0, at - 12);
    var out = document.createDocumentFragment();
    all.slice(start, start + 30).forEach(function (word, i) {
      if (i) out.appendChild(document.createTextNode(" "));
      if (start + i === at || (at >= 0 && matches(word))) {
        var parts = word.match(/^(\p{P}*)(.*?)(\p{P}*)$/u);  // punctuation stays outside the highlight
        var mark = document.createElement("mark");
        mark.textContent = parts[2];
        out.appendChild(document.createTextNode(parts[1]));
        out.appendChild(mark);
        out.appendChild(document.createTextNode(parts[3]));
      } else {
        out.appendChild(document.createTextNode(word));
      }
    });
    return out;
  }

  // The excerpt without the title it opens with: the heading above shows it already.
  function withoutTitle(fragment, title) {
    var tokens = [];  // words and spaces, each with whether it is highlighted
    fragment.childNodes.forEach(function (node) {
      node.textContent.split(/(\s+)/).forEach(function (part) {
        if (part) tokens.push({ text: part, mark: node.nodeName === "MARK" });
      });
    });
    var titleWords = title.split(/\s+/).filter(Boolean);
    var at = 0, matched = 0;
    for (; at < tokens.length && matched < titleWords.length; at++) {
      if (/^\s+$/.test(tokens[at].text)) continue;
      if (tokens[at].text.replace(/[.:،؛!؟?]+$/, "") !== titleWords[matched]) return fragment;  // Pagefind ends a heading with "."
      matched++;
    }
    var rest = tokens.slice(at);
    while (rest.length && /^[\s.:،-]+$/.test(rest[0].text)) rest.shift();
    // Kept whole when the title holds the only highlight: the excerpt must still show why the page was found.
    if (matched < titleWords.length || !rest.some(function (token) { return token.mark; })) return fragment;
    var out = document.createDocumentFragment();
    rest.forEach(function (token) {
      var node = token.mark ? document.createElement("mark") : document.createTextNode(token.text);
      if (token.mark) node.textContent = token.text;
      out.appendChild(node);
    });
    return out;
  }

  function showMore(queryForms) {
    var batch = found.slice(shown, shown + PAGE_SIZE);
    var current = generation;
    return Promise.all(batch.map(function (r) { return r.data(); })).then(function (results) {
      if (current !== generation) return;
      results.forEach(function (data) {
        var item = document.createElement("li");
        var heading = document.createElement("h2");
        var link = document.createElement("a");
        link.href = new URL(data.url.replace(/^\//, ""), siteRoot).href;
        link.textContent = (data.meta && data.meta.title) || data.url;
        var text = document.createElement("p");
        text.appendChild(withoutTitle(excerpt(data, queryForms), link.textContent));
        heading.appendChild(link);
        item.appendChild(heading);
        var about = data.meta && (data.meta.date || PAGE_KINDS[data.meta.kind]);
        if (about) {
          var line = document.createElement("div");  // not a p: the excerpt is the one paragraph of a result
          line.className = "meta";
          line.textContent = about;
          item.appendChild(line);
        }
        item.appendChild(text);
        list.appendChild(item);
      });
      shown += batch.length;
      more.hidden = shown >= found.length;
      status.textContent = countText(found.length);
      list.setAttribute("aria-busy", "false");
    });
  }

  function run() {
    var q = input.value.trim();
    var filters = activeFilters();
    var current = ++generation;
    found = [];
    shown = 0;
    list.replaceChildren();
    more.hidden = true;
    if (!q && !Object.keys(filters).length) {
      status.textContent = "اكتب كلمة للبحث.";
      list.removeAttribute("aria-busy");
      return Promise.resolve();
    }
    status.textContent = "جارٍ البحث…";
    list.setAttribute("aria-busy", "true");
    var queries = q ? [q].concat(alternatives(q)) : [null];
    var queryForms = formsOf(q);
    // Articles tagged with an entity the query names come first: its name (which every such article
    // lists) within the entity's filter. A search by the filter alone would download the whole index.
    var searches = entitiesNamed(q).map(function (entity) {
      var byEntity = Object.assign({}, filters);
      byEntity[entity[0]] = entity[1];
      return pagefind.search(entity[1], { filters: byEntity });
    }).concat(queries.map(function (text) { return pagefind.search(text, { filters: filters }); }));
    return Promise.all(searches)
      .then(function (searches) {
        if (current !== generation) return;
        var seen = {};
        searches.forEach(function (search) {
          search.results.forEach(function (r) {
            if (!seen[r.id] && !hidden[r.id]) { seen[r.id] = true; found.push(r); }
          });
        });
        return showMore(queryForms);
      })
      .catch(function () {
        if (current !== generation) return;
        status.textContent = "تعذّر البحث.";
        list.setAttribute("aria-busy", "false");
      });
  }

  var spellingsLoaded = fetch(new URL(script.dataset.spellings, location.href))
    .then(function (response) { return response.ok ? response.json() : {}; })
    .then(function (map) { spellings = map; }, function () { /* search still works by the words alone */ });
  // A large dossier's index is in shards (pagefind/shards.json lists them): each is merged into this
  // one, and a search asks them all. A small dossier's is one, and may have no list. Pages edited
  // since their shard was indexed are in a small delta index: their shards' copies are dropped from
  // results (hidden), and filter values counted twice are taken off (uncount).
  var shardsLoaded = fetch(new URL("shards.json", pagefindUrl))
    .then(function (response) { return response.ok ? response.json() : {}; })
    .then(function (shards) { return shards; }, function () { return {}; });
  var hidden = {};
  import(pagefindUrl.href).then(function (module) {
    pagefind = module;
    return Promise.all([pagefind.options({ baseUrl: "/" }), shardsLoaded]);
  }).then(function (loaded) {
    (loaded[1].hidden || []).forEach(function (id) { hidden[id] = true; });
    return Promise.all((loaded[1].merge || []).map(function (folder) {
      return pagefind.mergeIndex(new URL(folder, pagefindUrl).href, { baseUrl: "/" });
    }));
  }).then(function () {
    return Promise.all([pagefind.filters(), shardsLoaded]);
  }).then(function (loaded) {
    return uncounted(loaded[0], loaded[1].uncount || {});
  }).then(function (available) {
    return spellingsLoaded.then(function () { return available; });
  }).then(function (available) {
    buildFilters(available);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      remember();
      run();
    });
    more.addEventListener("click", function () {
      var first = shown;
      showMore(formsOf(input.value)).then(function () {
        var link = list.children[first] && list.children[first].querySelector("a");
        if (link) link.focus();  // keyboard users land on the first new result, not back at the top
      });
    });
    if (input.value.trim() || Object.keys(activeFilters()).length) run();
  }).catch(function () {
    status.textContent = "تعذّر تحميل فهرس البحث.";
  });
})();
