// The check-in screen: search, one tap to mark, codes typed or scanned, a running count,
// undo, and marks that wait in this browser while the connection is down.
//
// Every mark gets an id made here; the server applies an id once, so a batch sent again
// after a lost answer changes nothing. The queue lives in localStorage, per session, so a
// page reloaded before the marks were sent shows and sends them still.
(function () {
  "use strict";
  var root = document.getElementById("checkin");
  if (!root) return;

  // Kept for offline days: the screen and its files, served from this browser when the
  // venue's network fails (see the service worker).
  if ("serviceWorker" in navigator && root.dataset.serviceWorker) {
    navigator.serviceWorker.register(root.dataset.serviceWorker).catch(function () {});
  }

  var session = root.dataset.session;
  var marksUrl = root.dataset.marksUrl;
  var csrf = root.dataset.csrf;
  var queueKey = "checkin-queue:" + session;
  var rows = new Map();
  var byCode = new Map();
  root.querySelectorAll("[data-registration]").forEach(function (li) {
    rows.set(li.dataset.registration, li);
    byCode.set(li.dataset.code, li);
    li.dataset.haystack = fold(li.dataset.search || "");
  });
  var syncLine = root.querySelector("[data-sync]");
  var messageLine = root.querySelector("[data-message]");
  var undoButton = root.querySelector("[data-undo]");
  var history = [];
  var sending = false;

  function fold(text) {
    return (text.normalize ? text.normalize("NFKC") : text).toLowerCase();
  }

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, name) {
      return values[name] === undefined ? "" : String(values[name]);
    });
  }

  function loadQueue() {
    try {
      var stored = JSON.parse(localStorage.getItem(queueKey) || "[]");
      return Array.isArray(stored) ? stored : [];
    } catch (error) {
      return [];
    }
  }

  var queue = loadQueue();

  function saveQueue() {
    try {
      localStorage.setItem(queueKey, JSON.stringify(queue));
    } catch (error) {
      // Storage full or refused: the marks stay in memory and are sent when possible.
    }
  }

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2);
  }

  function setStatus(li, status) {
    if (!li) return;
    li.dataset.status = status || "";
    li.querySelectorAll("[data-mark]").forEach(function (button) {
      var pressed = Boolean(status) && button.dataset.mark === status;
      button.setAttribute("aria-pressed", pressed ? "true" : "false");
    });
  }

  function updateCounts() {
    var counts = { present: 0, late: 0, excused: 0, absent: 0 };
    rows.forEach(function (li) {
      if (counts[li.dataset.status] !== undefined) counts[li.dataset.status] += 1;
    });
    counts.attended = counts.present + counts.late;
    counts.total = rows.size;
    Object.keys(counts).forEach(function (name) {
      var element = root.querySelector('[data-count="' + name + '"]');
      if (element) element.textContent = String(counts[name]);
    });
  }

  function showSync() {
    if (queue.length) {
      syncLine.textContent = format(root.dataset.textPending, { count: queue.length });
      syncLine.classList.add("pending");
    } else {
      syncLine.textContent = root.dataset.textSynced;
      syncLine.classList.remove("pending");
    }
  }

  function say(text) {
    messageLine.textContent = text;
  }

  function mark(li, status, remember) {
    var previous = li.dataset.status || null;
    if (previous === status) return;
    if (remember !== false) {
      history.push({ li: li, previous: previous });
      undoButton.disabled = false;
    }
    setStatus(li, status);
    queue.push({ id: newId(), registration: Number(li.dataset.registration), status: status });
    saveQueue();
    updateCounts();
    showSync();
    flush();
  }

  function flush() {
    if (sending || !queue.length || navigator.onLine === false) {
      showSync();
      return;
    }
    sending = true;
    var batch = queue.slice(0, 100);
    fetch(marksUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ marks: batch }),
    })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (data) {
        var done = new Set(data.applied);
        data.refused.forEach(function (refusal) {
          done.add(refusal.id);
        });
        queue = loadQueue().filter(function (item) {
          return !done.has(item.id);
        });
        saveQueue();
        if (data.refused.length) say(data.refused[0].message);
        applyServerMarks(data.marks);
      })
      .catch(function () {
        // Offline, or the server did not answer: the queue stays and is sent later.
      })
      .then(function () {
        sending = false;
        showSync();
        if (queue.length && navigator.onLine !== false) window.setTimeout(flush, 3000);
      });
  }

  // The server's marks, for rows this browser has no unsent mark for (another organiser
  // may be marking at the same time).
  function applyServerMarks(marks) {
    var waiting = new Set(
      queue.map(function (item) {
        return String(item.registration);
      })
    );
    rows.forEach(function (li, registration) {
      if (!waiting.has(registration)) setStatus(li, marks[registration] || null);
    });
    updateCounts();
  }

  function refresh() {
    if (sending || queue.length || navigator.onLine === false) return;
    fetch(marksUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (data && !queue.length) applyServerMarks(data.marks);
      })
      .catch(function () {});
  }

  // Marks made here and not yet sent (a reload while offline) show at once.
  queue.forEach(function (item) {
    setStatus(rows.get(String(item.registration)), item.status);
  });
  updateCounts();
  showSync();

  root.addEventListener("click", function (event) {
    var button = event.target.closest("[data-mark]");
    if (!button) return;
    var li = button.closest("[data-registration]");
    mark(li, button.dataset.mark || null);
  });

  undoButton.addEventListener("click", function () {
    var last = history.pop();
    if (last) mark(last.li, last.previous, false);
    undoButton.disabled = history.length === 0;
  });

  var search = root.querySelector("[data-search]");
  var noMatches = root.querySelector("[data-no-matches]");
  search.addEventListener("input", function () {
    var terms = fold(search.value).split(/\s+/).filter(Boolean);
    var shown = 0;
    rows.forEach(function (li) {
      var match = terms.every(function (term) {
        return li.dataset.haystack.indexOf(term) !== -1;
      });
      li.hidden = !match;
      if (match) shown += 1;
    });
    noMatches.hidden = shown !== 0;
  });

  var ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

  function normalise(text) {
    var upper = String(text || "").toUpperCase().replace(/O/g, "0").replace(/I/g, "1");
    var kept = "";
    for (var i = 0; i < upper.length; i += 1) {
      if (ALPHABET.indexOf(upper[i]) !== -1) kept += upper[i];
    }
    return kept.slice(-8);
  }

  function checkInByCode(text) {
    var code = normalise(text);
    var li = byCode.get(code);
    if (!li) {
      say(format(root.dataset.textUnknownCode, { code: String(text || "").slice(0, 20) }));
      return false;
    }
    mark(li, "present");
    say(format(root.dataset.textMarked, { name: li.dataset.name }));
    li.classList.add("just-marked");
    window.setTimeout(function () {
      li.classList.remove("just-marked");
    }, 2000);
    li.scrollIntoView({ block: "nearest" });
    return true;
  }

  var codeForm = root.querySelector("[data-code-form]");
  codeForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var input = codeForm.elements.code;
    if (checkInByCode(input.value)) input.value = "";
    input.focus();
  });

  // The camera: frames go to jsQR until a code is read.
  var scanner = root.querySelector("[data-scanner]");
  var video = root.querySelector("[data-video]");
  var canvas = root.querySelector("[data-canvas]");
  var stream = null;

  function stopScanning() {
    if (stream) {
      stream.getTracks().forEach(function (track) {
        track.stop();
      });
    }
    stream = null;
    scanner.hidden = true;
  }

  function scanFrame() {
    if (!stream) return;
    if (video.readyState === video.HAVE_ENOUGH_DATA && window.jsQR) {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      var context = canvas.getContext("2d", { willReadFrequently: true });
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      var image = context.getImageData(0, 0, canvas.width, canvas.height);
      var found = window.jsQR(image.data, image.width, image.height, {
        inversionAttempts: "dontInvert",
      });
      if (found && found.data) {
        checkInByCode(found.data);
        stopScanning();
        return;
      }
    }
    window.requestAnimationFrame(scanFrame);
  }

  root.querySelector("[data-scan]").addEventListener("click", function () {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      say(root.dataset.textCamera);
      return;
    }
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (media) {
        stream = media;
        video.srcObject = media;
        scanner.hidden = false;
        return video.play();
      })
      .then(function () {
        window.requestAnimationFrame(scanFrame);
      })
      .catch(function () {
        stopScanning();
        say(root.dataset.textCamera);
      });
  });
  root.querySelector("[data-scan-stop]").addEventListener("click", stopScanning);

  window.addEventListener("online", flush);
  window.addEventListener("offline", showSync);
  window.setInterval(flush, 10000);
  window.setInterval(refresh, 20000);
  flush();
})();
