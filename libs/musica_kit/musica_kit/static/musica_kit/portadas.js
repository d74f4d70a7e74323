/* The browsable API shows each "foto" of a response as a small image: a cover from the offline
 * catalog (a data: image) or from Spotify (an https URL). A long data: value stays on one short
 * line (cut with an ellipsis; the whole value is still there to copy), so nothing runs off the page.
 *
 * Loaded from this origin (script-src 'self'), after DRF's default.js: it runs while the page is
 * parsed, before default.js highlights the JSON on document ready (prettyPrint). What it adds is
 * marked "nocode", which prettify leaves alone.
 */
(function () {
  "use strict";
  var pre = document.querySelector(".response-info pre.prettyprint");
  if (!pre) {
    return;
  }
  var KEY = '"foto": ';
  var DATA_VALUE = /"foto": "(data:image\/[a-z0-9.+-]+;base64,[A-Za-z0-9+/=]+)"/g;
  var BEFORE_LINK = /"foto": "$/;

  function cover(src) {
    var frame = document.createElement("span");
    frame.className = "nocode portada";
    var img = document.createElement("img");
    img.alt = "";
    img.width = 64;
    img.height = 64;
    img.src = src;
    frame.appendChild(img);
    return frame;
  }

  // "foto": "data:image/…" inside one text node: the image, then the value cut short.
  function showDataCovers(node) {
    var text = node.data;
    var parts = [];
    var last = 0;
    var match;
    DATA_VALUE.lastIndex = 0;
    while ((match = DATA_VALUE.exec(text)) !== null) {
      var valueStart = match.index + KEY.length;
      parts.push(document.createTextNode(text.slice(last, valueStart)));
      parts.push(cover(match[1]));
      parts.push(document.createTextNode('"'));
      var value = document.createElement("span");
      value.className = "nocode foto-datos";
      value.textContent = match[1];
      parts.push(value);
      last = match.index + match[0].length - 1; // the closing quote stays in the text
    }
    if (parts.length === 0) {
      return;
    }
    parts.push(document.createTextNode(text.slice(last)));
    parts.forEach(function (part) {
      pre.insertBefore(part, node);
    });
    pre.removeChild(node);
  }

  // "foto": "https://…": DRF has made the URL a link; the image goes before its opening quote.
  function showLinkedCover(link) {
    var before = link.previousSibling;
    var href = link.getAttribute("href") || "";
    if (!before || before.nodeType !== Node.TEXT_NODE || !BEFORE_LINK.test(before.data)) {
      return;
    }
    if (href.indexOf("https://") !== 0) {
      return;
    }
    var quote = before.splitText(before.data.length - 1);
    pre.insertBefore(cover(href), quote);
  }

  Array.prototype.slice.call(pre.childNodes).forEach(function (node) {
    if (node.nodeType === Node.TEXT_NODE) {
      showDataCovers(node);
    } else if (node.nodeName === "A") {
      showLinkedCover(node);
    }
  });
})();
