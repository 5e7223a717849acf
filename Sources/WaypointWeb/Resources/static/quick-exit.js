// Quick exit: replace this page with an everyday site, leaving no history entry to come back to.
// location.replace swaps the current entry instead of adding one, so Back does not return here.
(function () {
  "use strict";
  var target = document.body.getAttribute("data-quick-exit-url") || "https://www.weather.gov/";
  function leave(event) {
    if (event) { event.preventDefault(); }
    document.title = "";
    document.body.style.visibility = "hidden";
    window.location.replace(target);
  }
  var links = document.querySelectorAll("[data-quick-exit]");
  for (var i = 0; i < links.length; i++) { links[i].addEventListener("click", leave); }
  // Esc three times within two seconds: usable without finding the button.
  var presses = [];
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var now = Date.now();
    presses = presses.filter(function (t) { return now - t < 2000; });
    presses.push(now);
    if (presses.length >= 3) { leave(); }
  });
})();
// Print buttons (inline handlers are blocked by the content security policy).
(function () {
  "use strict";
  var buttons = document.querySelectorAll("[data-print]");
  for (var i = 0; i < buttons.length; i++) { buttons[i].addEventListener("click", function () { window.print(); }); }
})();
