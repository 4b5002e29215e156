// Arabic spelling rules for search queries: the same rules as dossier/arabic.py (normalize, words, word_forms).
(function () {
  "use strict";
  var DIACRITICS = /[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]/g;
  var TATWEEL = /\u0640/g;
  var INVISIBLE = /[\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;
  var LETTER_VARIANTS = { "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ی": "ي", "ک": "ك" };
  var VARIANT = /[أإآٱىةیک]/g;
  var WORD = /[\p{L}\p{N}_]+/gu;
  var CONJUNCTIONS = "وف";
  var PREPOSITIONS = "بلك";
  var MIN_STEM = 2;

  function normalize(text) {
    text = String(text).normalize("NFKC").replace(INVISIBLE, "").replace(DIACRITICS, "").replace(TATWEEL, "");
    text = text.replace(VARIANT, function (letter) { return LETTER_VARIANTS[letter]; }).toLowerCase();
    return text.split(/\s+/).filter(Boolean).join(" ");
  }

  function words(text) {
    return normalize(text).match(WORD) || [];
  }

  // A normalized word and the forms left when attached clitics (conjunction, preposition, article) are taken off.
  function wordForms(word) {
    var forms = {}, bases = [word];
    forms[word] = true;
    if (CONJUNCTIONS.indexOf(word.charAt(0)) >= 0 && word.length - 1 >= MIN_STEM) bases.push(word.slice(1));
    bases.slice().forEach(function (base) {
      if (PREPOSITIONS.indexOf(base.charAt(0)) >= 0 && base.length - 1 >= MIN_STEM) {
        bases.push(base.slice(1));
        if (base.indexOf("لل") === 0 && base.length - 2 >= MIN_STEM) bases.push(base.slice(2));
      }
    });
    bases.forEach(function (base) {
      forms[base] = true;
      if (base.indexOf("ال") === 0 && base.length - 2 >= MIN_STEM) forms[base.slice(2)] = true;
    });
    return Object.keys(forms).sort();
  }

  window.DossierArabic = { normalize: normalize, words: words, wordForms: wordForms };
})();
