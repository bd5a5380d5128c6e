// The offline safety-check screen (ADR 0020).  Without this script the check page works as
// before: each button posts its form.  With it:
// - online, the page's list is sealed (AES-GCM under the key the server derived for this
//   session and campaign, imported at once as a non-extractable CryptoKey) and kept in
//   IndexedDB; the key's bytes leave the page;
// - a button queues the state (sealed too) and sends the queue; without network the state
//   stays queued and goes when the network returns ("online");
// - offline, the service worker answers a check page with an empty page that this script
//   fills from the sealed list;
// - a closed campaign (the page says so, or the server answers 410/404) or an expired
//   session wipes the device's copy; signing out wipes everything (core/js/app.js and the
//   sign-out answer's Clear-Site-Data header).
(function () {
  "use strict";
  var DB_NAME = "tsunagu-offline";
  var root = document.querySelector("[data-offline-check], [data-offline-shell]");
  if (!root || !window.indexedDB || !window.crypto || !window.crypto.subtle) { return; }
  var shell = root.hasAttribute("data-offline-shell");
  var wordsNode = document.querySelector("template[data-offline-words]");
  var words = wordsNode ? wordsNode.dataset : {};
  var statusNode = root.querySelector("[data-offline-status]");
  var dataNode = document.getElementById("offline-data");
  var data = dataNode ? JSON.parse(dataNode.textContent) : null;
  var match = location.pathname.match(/\/campaigns\/(\d+)\/check\/$/);
  var campaign = data ? data.campaign : (match ? Number(match[1]) : null);
  if (campaign === null) { return; }
  var current = null;  // {kid, key}: the CryptoKey of this session and campaign
  var encoder = new TextEncoder();
  var decoder = new TextDecoder();

  function say(text) { if (statusNode) { statusNode.textContent = text || ""; } }
  function asPromise(request) {
    return new Promise(function (resolve, reject) {
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  var opened = null;
  function db() {
    if (!opened) {
      opened = new Promise(function (resolve, reject) {
        var request = indexedDB.open(DB_NAME, 1);
        request.onupgradeneeded = function () {
          var d = request.result;
          d.createObjectStore("keys", { keyPath: "kid" });
          d.createObjectStore("lists", { keyPath: "campaign" });
          d.createObjectStore("queue", { keyPath: "id" }).createIndex("campaign", "campaign");
        };
        request.onsuccess = function () {
          var d = request.result;
          // Signing out deletes the database: let it.
          d.onversionchange = function () { d.close(); opened = null; };
          resolve(d);
        };
        request.onerror = function () { reject(request.error); };
      });
    }
    return opened;
  }
  function get(name, key) {
    return db().then(function (d) {
      return asPromise(d.transaction(name, "readonly").objectStore(name).get(key));
    });
  }
  function put(name, value) {
    return db().then(function (d) {
      return asPromise(d.transaction(name, "readwrite").objectStore(name).put(value));
    });
  }
  function remove(name, key) {
    return db().then(function (d) {
      return asPromise(d.transaction(name, "readwrite").objectStore(name).delete(key));
    });
  }
  function queued() {
    return db().then(function (d) {
      var index = d.transaction("queue", "readonly").objectStore("queue").index("campaign");
      return asPromise(index.getAll(campaign));
    });
  }
  function removeWhere(name, keep) {
    return db().then(function (d) {
      return new Promise(function (resolve, reject) {
        var t = d.transaction(name, "readwrite");
        var request = t.objectStore(name).openCursor();
        request.onsuccess = function () {
          var cursor = request.result;
          if (!cursor) { return; }
          if (!keep(cursor.value)) { cursor.delete(); }
          cursor.continue();
        };
        t.oncomplete = function () { resolve(); };
        t.onerror = function () { reject(t.error); };
      });
    });
  }
  function wipeCampaign() {
    var other = function (value) { return value.campaign !== campaign; };
    return Promise.all([
      removeWhere("queue", other), removeWhere("lists", other), removeWhere("keys", other)
    ]);
  }
  // Keys of earlier sessions stay only while a queued state still needs one.
  function pruneKeys() {
    return queued().then(function (rows) {
      var needed = {};
      rows.forEach(function (row) { needed[row.kid] = true; });
      return removeWhere("keys", function (value) {
        return value.campaign !== campaign || needed[value.kid] ||
          (current !== null && value.kid === current.kid);
      });
    });
  }

  function bytes(base64) {
    var raw = atob(base64);
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i += 1) { out[i] = raw.charCodeAt(i); }
    return out;
  }
  function seal(key, value) {
    var iv = crypto.getRandomValues(new Uint8Array(12));
    return crypto.subtle.encrypt({ name: "AES-GCM", iv: iv }, key,
      encoder.encode(JSON.stringify(value)))
      .then(function (sealed) { return { iv: iv, data: sealed }; });
  }
  function unseal(key, sealed) {
    return crypto.subtle.decrypt({ name: "AES-GCM", iv: sealed.iv }, key, sealed.data)
      .then(function (plain) { return JSON.parse(decoder.decode(plain)); });
  }
  function keyOf(kid) {
    if (current !== null && kid === current.kid) { return Promise.resolve(current.key); }
    return get("keys", kid).then(function (row) { return row ? row.key : null; });
  }
  function uuid() {
    if (crypto.randomUUID) { return crypto.randomUUID(); }
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" +
      hex.slice(16, 20) + "-" + hex.slice(20);
  }

  function card(entry) { return root.querySelector('[data-testid="check-' + entry + '"]'); }
  function stateNode(entry) { return root.querySelector('[data-testid="state-' + entry + '"]'); }
  function described(label, to) { return label + (to ? "（" + to + "）" : ""); }
  function showItem(item) {
    var node = stateNode(item.entry);
    if (!node) { return; }
    node.textContent = (words.pending || "") + ": " + described(item.label, item.evacuated_to);
    card(item.entry).setAttribute("data-pending", "");
  }
  function showQueued() {
    return queued().then(function (rows) {
      return Promise.all(rows.map(function (row) {
        return keyOf(row.kid).then(function (key) { return key ? unseal(key, row) : null; })
          .then(function (item) { if (item) { showItem(item); } }, function () {});
      })).then(function () { return rows.length; });
    });
  }
  function showResult(item, result) {
    var node = stateNode(item.entry);
    var box = card(item.entry);
    if (!node || !box) { return; }
    box.removeAttribute("data-pending");
    if (result.status === "recorded" && result.check) {
      node.textContent = described(result.check.label, result.check.evacuated_to) + " ・ " +
        result.check.at + " " + (words.sent || "");
      var base = box.querySelector("input[name=base]");
      if (base) { base.value = String(result.check.id); }
    } else if (result.status === "conflict") {
      node.textContent = described(item.label, item.evacuated_to) + " ・ " + (words.conflict || "");
    } else {
      node.textContent = result.message || "";
    }
  }

  function enqueue(item) {
    return seal(current.key, item).then(function (sealed) {
      return put("queue", {
        id: item.id, campaign: campaign, kid: current.kid, iv: sealed.iv, data: sealed.data
      });
    });
  }
  function csrfToken() {
    var input = root.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  var flushing = null;
  var again = false;
  function flush() {
    if (shell || !data || !data.sync) { return Promise.resolve(); }
    if (flushing) { again = true; return flushing; }
    flushing = queued().then(function (rows) {
      return Promise.all(rows.map(function (row) {
        return keyOf(row.kid).then(function (key) { return key ? unseal(key, row) : null; })
          .then(null, function () { return null; })
          .then(function (item) { return { row: row, item: item }; });
      }));
    }).then(function (pairs) {
      // A state whose key is gone can never be read again: drop it.
      var lost = pairs.filter(function (p) { return !p.item; });
      var items = pairs.filter(function (p) { return p.item; }).map(function (p) { return p.item; });
      return Promise.all(lost.map(function (p) { return remove("queue", p.row.id); }))
        .then(function () { return items.length ? send(items) : null; });
    }).then(pruneKeys).then(null, function () {}).then(function () {
      flushing = null;
      if (again) { again = false; return flush(); }
      return null;
    });
    return flushing;
  }
  function send(items) {
    var body = JSON.stringify({ items: items.map(function (i) {
      return {
        client_id: i.id, entry_id: i.entry, state: i.state, base: i.base,
        evacuated_to: i.evacuated_to, note: i.note
      };
    }) });
    return fetch(data.sync, {
      method: "POST",
      credentials: "same-origin",
      redirect: "manual",
      headers: {
        "Content-Type": "application/json", "Accept": "application/json",
        "X-CSRFToken": csrfToken()
      },
      body: body
    }).then(function (response) {
      if (response.status === 410 || response.status === 404) {
        return wipeCampaign().then(function () { say(words.closed); });
      }
      if (response.type === "opaqueredirect" || response.status === 403) {
        say(words.signin);
        return null;
      }
      if (!response.ok) { say((words.queued || "") + ": " + items.length); return null; }
      return response.json().then(function (answer) {
        var byId = {};
        items.forEach(function (i) { byId[i.id] = i; });
        return Promise.all(answer.results.map(function (result) {
          var item = byId[result.client_id];
          if (!item) { return null; }
          showResult(item, result);
          return remove("queue", item.id);
        })).then(function () { say(""); });
      });
    }, function () {
      say((words.offline || "") + " " + (words.queued || "") + ": " + items.length);
    });
  }

  function enhanceForms() {
    root.addEventListener("submit", function (event) {
      var form = event.target;
      var button = event.submitter;
      if (!form.closest || !form.closest(".check-card") || !button || button.name !== "state") {
        return;
      }
      event.preventDefault();
      var item = {
        id: uuid(),
        entry: Number(form.elements.entry.value),
        state: button.value,
        label: button.textContent.trim(),
        evacuated_to: form.elements.evacuated_to.value,
        note: form.elements.note.value,
        base: Number(form.elements.base.value) || null,
        at: Date.now()
      };
      enqueue(item).then(function () {
        form.elements.evacuated_to.value = "";
        form.elements.note.value = "";
        showItem(item);
        return flush();
      });
    });
  }

  function field(form, name, id, label, maxLength) {
    var labelNode = document.createElement("label");
    labelNode.htmlFor = id;
    labelNode.textContent = label;
    var input = document.createElement("input");
    input.id = id; input.name = name; input.maxLength = maxLength;
    form.appendChild(labelNode);
    form.appendChild(input);
  }
  function hidden(form, name, value) {
    var input = document.createElement("input");
    input.type = "hidden"; input.name = name; input.value = String(value);
    form.appendChild(input);
  }
  function render(content) {
    var title = root.querySelector("[data-offline-title]");
    if (title) { title.textContent = content.title; }
    var cards = root.querySelector("[data-offline-cards]");
    content.rows.forEach(function (row) {
      var section = document.createElement("section");
      section.className = "check-card";
      section.setAttribute("data-testid", "check-" + row.entry);
      section.setAttribute("aria-labelledby", "p-" + row.entry);
      var heading = document.createElement("h2");
      heading.id = "p-" + row.entry;
      heading.textContent = row.name;
      var where = document.createElement("p");
      where.textContent = row.address + " " + row.phone;
      var state = document.createElement("p");
      state.setAttribute("data-testid", "state-" + row.entry);
      state.textContent = row.state ? described(row.label, row.evacuated_to) + " ・ " + row.at
        : (words.unchecked || "");
      var form = document.createElement("form");
      form.method = "post";
      form.action = content.record;
      hidden(form, "entry", row.entry);
      hidden(form, "base", row.version);
      field(form, "evacuated_to", "to-" + row.entry, words.to || "", 200);
      field(form, "note", "note-" + row.entry, words.note || "", 500);
      var buttons = document.createElement("div");
      buttons.className = "check-buttons";
      content.states.forEach(function (pair) {
        var button = document.createElement("button");
        button.type = "submit"; button.name = "state"; button.value = pair[0];
        button.className = "button"; button.textContent = pair[1];
        buttons.appendChild(button);
      });
      form.appendChild(buttons);
      section.appendChild(heading);
      section.appendChild(where);
      section.appendChild(state);
      section.appendChild(form);
      cards.appendChild(section);
    });
  }
  function showEmpty() {
    var empty = root.querySelector("[data-offline-empty]");
    if (empty) { empty.hidden = false; }
  }

  // Back online, the real page is fetched again.  The reload goes through the service worker,
  // whose own network may come back a moment after the page's: it then serves this shell
  // again, and no further "online" event comes.  So the shell asks the network itself (a page
  // fetch is not a navigation: the worker lets it through; HEAD is refused before the view
  // runs, so nothing is read) and reloads once it answers, trying again every few seconds.
  function probeNetwork() {
    if (!navigator.onLine) { return; }
    fetch(location.href, {
      method: "HEAD", cache: "no-store", credentials: "same-origin", redirect: "manual"
    }).then(function () { location.reload(); }, function () {
      setTimeout(probeNetwork, 3000);
    });
  }

  function startShell() {
    window.addEventListener("online", probeNetwork);
    setTimeout(probeNetwork, 2000);
    return get("lists", campaign).then(function (list) {
      if (!list || list.expires < Date.now()) {
        return wipeCampaign().then(showEmpty);
      }
      return get("keys", list.kid).then(function (row) {
        if (!row) { showEmpty(); return null; }
        current = { kid: row.kid, key: row.key };
        return unseal(row.key, list).then(function (content) {
          render(content);
          enhanceForms();
          return showQueued();
        });
      });
    }).then(null, showEmpty);
  }

  function startPage() {
    if (!data.open || !data.key) {
      // Closed (the basis has ended) or not a helper who records: nothing stays here.
      return wipeCampaign();
    }
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register(data.worker, { scope: data.scope }).then(null, function () {});
    }
    var raw = bytes(data.key);
    data.key = null;
    dataNode.textContent = "";
    return crypto.subtle.importKey("raw", raw, { name: "AES-GCM" }, false, ["encrypt", "decrypt"])
      .then(function (key) {
        current = { kid: data.kid, key: key };
        enhanceForms();
        return put("keys", { kid: data.kid, key: key, campaign: campaign, expires: data.expires });
      })
      .then(function () {
        return seal(current.key, {
          title: data.title, rows: data.rows, states: data.states, record: data.record
        });
      })
      .then(function (sealed) {
        return put("lists", {
          campaign: campaign, kid: data.kid, expires: data.expires, iv: sealed.iv, data: sealed.data
        });
      })
      .then(function () {
        root.setAttribute("data-offline-ready", "");
        window.addEventListener("online", flush);
        window.addEventListener("offline", function () { say(words.offline); });
        return showQueued();
      })
      .then(flush);
  }

  if (shell) { startShell(); } else { startPage(); }
}());
