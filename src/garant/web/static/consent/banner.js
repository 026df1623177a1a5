/* Garant cookie banner. Include on any page:
 *   <script src="https://garant.example.org/cookies/banner.js" data-lang="fr" defer></script>
 * Accept all and Refuse all are equal buttons on the first layer; Choose opens one switch per
 * optional category. The choice is recorded by Garant with its proof; the browser keeps only
 * a random token in the first-party cookie "garant_cookie_choice", until Garant's expiry
 * (13 months from the choice at most, never extended by a visit). Global Privacy Control
 * (navigator.globalPrivacyControl or Sec-GPC: 1) refuses every optional category.
 * The page learns the result from window.garantConsent and the "garant:consent" event.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  var base = new URL(script.src, location.href).origin;
  var lang = script.getAttribute("data-lang") || document.documentElement.lang || "fr";
  var NAME = "garant_cookie_choice";
  var gpc = navigator.globalPrivacyControl === true;
  var config = null;
  var root = null;

  function readToken() {
    var found = document.cookie.split("; ").filter(function (c) {
      return c.indexOf(NAME + "=") === 0;
    })[0];
    return found ? decodeURIComponent(found.slice(NAME.length + 1)) : null;
  }

  function writeToken(token, expires) {
    document.cookie = NAME + "=" + encodeURIComponent(token) + "; expires=" +
      new Date(expires).toUTCString() + "; path=/; SameSite=Lax";
  }

  function announce(state) {
    window.garantConsent.accepted = state.accepted || [];
    window.garantConsent.gpc = !!state.gpc;
    document.dispatchEvent(new CustomEvent("garant:consent", { detail: state }));
  }

  function save(accepted) {
    return fetch(base + "/cookies/choice?lang=" + encodeURIComponent(lang), {
      method: "POST",
      headers: { "Content-Type": "text/plain" },
      body: JSON.stringify({ accepted: accepted, gpc: gpc }),
      credentials: "omit"
    }).then(function (r) { return r.json(); }).then(function (answer) {
      writeToken(answer.token, answer.expires_at);
      close();
      announce(answer);
      return answer;
    });
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      // style through the CSSOM: a page whose Content-Security-Policy forbids inline
      // styles (no 'unsafe-inline') still shows the banner as designed
      if (k === "style") { node.style.cssText = attrs[k]; } else { node.setAttribute(k, attrs[k]); }
    });
    if (text) { node.textContent = text; }
    return node;
  }

  function optional() {
    return config.categories.filter(function (c) { return !c.required; });
  }

  function close() {
    if (root) { root.remove(); root = null; }
  }

  function choosePanel(box) {
    var form = el("form", { id: "garant-cookie-choose" });
    config.categories.forEach(function (c) {
      var id = "garant-cat-" + c.id;
      var row = el("p");
      var input = el("input", { type: "checkbox", id: id, name: c.id });
      if (c.required) { input.checked = true; input.disabled = true; }
      var label = el("label", { "for": id }, c.label + (c.required ? " (" + config.texts.required + ")" : ""));
      row.appendChild(input);
      row.appendChild(label);
      if (c.description) { row.appendChild(el("small", {}, " " + c.description)); }
      form.appendChild(row);
    });
    var saveButton = el("button", { type: "submit", id: "garant-cookie-save" }, config.texts.save);
    form.appendChild(saveButton);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      save(optional().filter(function (c) {
        return form.elements[c.id].checked;
      }).map(function (c) { return c.id; }));
    });
    box.appendChild(form);
  }

  function open() {
    if (!config) { return; }
    close();
    var t = config.texts;
    root = el("div", { id: "garant-cookie-banner", role: "dialog", "aria-live": "polite",
      "aria-label": t.title, style: "position:fixed;bottom:0;left:0;right:0;background:#fff;" +
      "border-top:2px solid #333;padding:1em;z-index:2147483647;font:16px sans-serif" });
    root.appendChild(el("h2", { style: "margin-top:0" }, t.title));
    root.appendChild(el("p", {}, t.intro));
    var buttons = el("p");
    var style = "margin-right:1em;padding:.5em 1em;font-size:1em";
    var accept = el("button", { type: "button", id: "garant-cookie-accept", style: style }, t.accept_all);
    var refuse = el("button", { type: "button", id: "garant-cookie-refuse", style: style }, t.refuse_all);
    var choose = el("button", { type: "button", id: "garant-cookie-choose-open", style: style }, t.choose);
    accept.addEventListener("click", function () {
      save(optional().map(function (c) { return c.id; }));
    });
    refuse.addEventListener("click", function () { save([]); });
    choose.addEventListener("click", function () {
      choose.disabled = true;
      choosePanel(root);
    });
    [accept, refuse, choose].forEach(function (b) { buttons.appendChild(b); });
    root.appendChild(buttons);
    document.body.appendChild(root);
  }

  window.garantConsent = { accepted: [], gpc: gpc, open: open, ready: false };

  var token = readToken();
  var query = "?lang=" + encodeURIComponent(lang) + (token ? "&token=" + encodeURIComponent(token) : "") +
    (gpc ? "&gpc=1" : "");
  fetch(base + "/cookies/status" + query, { credentials: "omit" })
    .then(function (r) { return r.json(); })
    .then(function (state) {
      config = state.config;
      window.garantConsent.ready = true;
      if (state.ask && state.gpc) {
        save([]);  // GPC is the visitor's refusal: record it, no banner to click through
      } else if (state.ask) {
        announce(state);
        open();
      } else {
        announce(state);
      }
    });
})();
