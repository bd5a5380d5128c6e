// The service worker of the offline safety-check screen (ADR 0020).  It keeps only code and
// an empty page: the list of persons stays encrypted in IndexedDB, sealed by offline.js.
// A check page is always asked of the network first; only when that fails does the worker
// answer with the empty page, which offline.js fills from the device's encrypted list.
"use strict";
var CACHE = "{{ cache }}";
var SHELL = "{{ shell }}";
var PRECACHE = {{ precache|safe }};
var CHECK_PAGE = new RegExp("{{ check_pattern|escapejs }}");

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) { return cache.addAll(PRECACHE); })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("tsunagu-offline-") === 0 && name !== CACHE;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.mode === "navigate" && CHECK_PAGE.test(url.pathname)) {
    event.respondWith(fetch(request).catch(function () {
      return caches.open(CACHE).then(function (cache) { return cache.match(SHELL); })
        .then(function (shell) { return shell || Response.error(); });
    }));
    return;
  }
  if (PRECACHE.indexOf(url.pathname) !== -1) {
    event.respondWith(fetch(request).catch(function () {
      return caches.open(CACHE).then(function (cache) { return cache.match(url.pathname); })
        .then(function (hit) { return hit || Response.error(); });
    }));
  }
});
