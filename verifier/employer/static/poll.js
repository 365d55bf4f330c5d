// Polls a wallet request's status and opens the result page once the
// applicant's wallet has answered. Without JavaScript, the page's "Check
// again" link does the same by hand.
(function () {
  "use strict";
  var el = document.getElementById("wallet-status");
  if (!el || !window.fetch) {
    return;
  }
  var resultURL = el.getAttribute("data-result");
  var pageURL = el.getAttribute("data-page");
  function poll() {
    fetch(resultURL, { cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (r) {
        if (!r.ok) {
          throw new Error("status " + r.status);
        }
        return r.json();
      })
      .then(function (s) {
        if (s.status === "done") {
          window.location.assign(pageURL);
          return;
        }
        if (s.status === "expired") {
          el.textContent = "This request has expired. Go back to make a new one.";
          el.className = "status expired";
          return;
        }
        window.setTimeout(poll, 2000);
      })
      .catch(function () {
        window.setTimeout(poll, 5000);
      });
  }
  window.setTimeout(poll, 2000);
})();
