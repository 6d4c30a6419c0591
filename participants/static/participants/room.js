// The room's screen: reload the self check-in QR code before it changes.
(function () {
  "use strict";
  var screen = document.querySelector("[data-room-screen]");
  if (!screen) return;
  var image = screen.querySelector("[data-room-qr]");
  var seconds = Number(screen.dataset.refreshSeconds) || 10;
  window.setInterval(function () {
    image.src = image.dataset.src + "?t=" + Date.now();
  }, seconds * 1000);
})();
