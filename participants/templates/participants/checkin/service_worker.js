{% autoescape off %}// The check-in screens keep working for the day without a connection: each screen and the
// files it needs are kept in this browser as they arrive, and served from there when the
// network fails, so a screen reloaded offline opens with its last state. Marks themselves
// wait in localStorage (checkin.js) and are sent once the connection returns; nothing but
// the check-in screens and their files passes through here.
"use strict";
var CACHE = "checkin-{{ version }}";
var ASSETS = {{ assets }};

function isScreen(url) {
  return url.origin === self.location.origin && /\/sessions\/\d+\/check-in\/$/.test(url.pathname);
}

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) { return cache.addAll(ASSETS); })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("checkin-") === 0 && name !== CACHE;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
      .then(function () { return self.clients.matchAll({ type: "window" }); })
      .then(function (windows) {
        // The screen that registered this worker loaded before it: keep a copy of it too.
        return caches.open(CACHE).then(function (cache) {
          return Promise.all(windows.filter(function (client) {
            return isScreen(new URL(client.url));
          }).map(function (client) { return cache.add(client.url); }));
        });
      })
  );
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (!isScreen(url) && ASSETS.indexOf(url.pathname) === -1) return;
  event.respondWith(
    fetch(request).then(function (response) {
      if (response.ok) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
      }
      return response;
    }).catch(function () {
      return caches.match(request).then(function (kept) { return kept || Response.error(); });
    })
  );
});
{% endautoescape %}
