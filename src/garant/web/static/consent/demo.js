/* The cookie banner demo page's own script (a file, not inline: the site's
   Content-Security-Policy runs scripts from this site only). */
(function () {
  "use strict";
  document.addEventListener("garant:consent", function (e) {
    document.getElementById("accepted").textContent = e.detail.accepted.join(", ");
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.getElementById("reopen").addEventListener("click", function () {
      if (window.garantConsent) { window.garantConsent.open(); }
    });
  });
})();
