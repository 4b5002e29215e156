// Dates only the reader's browser knows: the date of printing, printed under each page, and the date of
// access in a page's citation (without JavaScript the citation asks the reader to write it).
(function () {
  "use strict";
  function today() {
    var d = new Date();
    return { iso: d.toISOString().slice(0, 10),
             text: d.toLocaleDateString("ar-u-nu-latn", { day: "numeric", month: "long", year: "numeric" }) };
  }
  addEventListener("beforeprint", function () {
    var address = document.querySelector(".print-address");
    if (!address) return;
    var time = address.querySelector("time"), date = today();
    if (!time) {
      address.append(" · تاريخ الطباعة: ");
      time = address.appendChild(document.createElement("time"));
    }
    time.dateTime = date.iso;
    time.textContent = date.text;
  });
  document.querySelectorAll(".cite").forEach(function (section) {
    var date = today();
    section.querySelector(".cite-accessed").textContent = date.text;
    var bibtex = section.querySelector(".cite-bibtex");
    bibtex.textContent = bibtex.textContent.replace(/\n}$/, ",\n  urldate = {" + date.iso + "}\n}");
    var csl = section.querySelector(".cite-csl"), data = JSON.parse(csl.textContent);
    data.accessed = { "date-parts": [date.iso.split("-").map(Number)] };
    csl.textContent = JSON.stringify(data, null, 1);
  });
})();
