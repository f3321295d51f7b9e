// Nothing the user writes is lost.
//
// A form with data-autosave="URL" is saved there about a second after typing stops, and when
// a field loses focus; the element [data-save-state] inside it says "Saving…", "Saved" or
// "Not saved" with a button to try again. The server answers with the version of what it
// stored, and the next save names it, so a page never overwrites newer text with older. With
// data-autosave-shows="ID", the HTML the server sends back as "shows" (rendered and sanitised
// there) replaces that element's content: the formatted notes beside the editor.
// Before any form on the page is submitted, text still waiting is saved first, so adding a
// takeaway or marking a message sent cannot drop what was typed elsewhere on the page.
// A form with data-guard saves only when submitted: leaving with changes asks first.
(function () {
  "use strict";

  var DELAY = 1000;
  var savers = [];
  var guarded = [];

  function autosave(form) {
    var url = form.dataset.autosave;
    var state = form.querySelector("[data-save-state]");
    var label = state && state.querySelector("[data-save-text]");
    var retry = state && state.querySelector("[data-save-retry]");
    var version = form.querySelector("input[name=version]");
    var timer = null;
    var running = null;
    var edits = 0;
    var saved = 0;
    // A page shown again with refused text starts with that text not saved.
    if (form.hasAttribute("data-unsaved")) { edits = 1; }

    function show(kind, text, canRetry) {
      if (!state) { return; }
      state.dataset.state = kind;
      label.textContent = text;
      retry.hidden = !canRetry;
    }

    function dirty() { return edits !== saved || running !== null; }

    function save(keepMine) {
      clearTimeout(timer);
      timer = null;
      if (running) {
        // One save at a time: the next one names the version the running one gets back.
        return running.then(function () { return edits !== saved ? save() : null; });
      }
      if (edits === saved) { return Promise.resolve(); }
      var data = new FormData(form);
      if (keepMine) { data.set("version", ""); }
      var sending = edits;
      show("saving", "Saving…", false);
      running = fetch(url, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "Accept": "application/json" },
      }).catch(function () {
        throw new Error("coffeechat could not be reached.");
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (answer) {
          if (!response.ok) {
            var error = new Error(answer.error || (response.status === 403
              ? "you may have been signed out: copy your text, then reload the page."
              : "the server did not answer."));
            error.stale = response.status === 409;
            throw error;
          }
          if (version && answer.version) { version.value = answer.version; }
          var shows = form.dataset.autosaveShows && document.getElementById(form.dataset.autosaveShows);
          if (shows && typeof answer.shows === "string") { shows.innerHTML = answer.shows; }
          saved = sending;
        });
      }).then(function () {
        running = null;
        if (edits === saved) { show("saved", "Saved", false); return null; }
        return save();
      }, function (error) {
        running = null;
        if (error.stale) {
          show("error", "Not saved: " + error.message, true);
          retry.textContent = "Keep my version";
          retry.dataset.keepMine = "1";
        } else {
          show("error", "Not saved — " + error.message, true);
          retry.textContent = "Retry";
          delete retry.dataset.keepMine;
        }
        throw error;
      });
      return running;
    }

    function later() {
      clearTimeout(timer);
      timer = setTimeout(function () { save().catch(function () {}); }, DELAY);
    }

    function edited(event) {
      var field = event.target;
      if (!field.name || field.name === "version") { return; }
      // Text fires "input" as it is typed; a choice (a radio button, a list) fires "change".
      var typed = field.tagName === "TEXTAREA" || field.type === "text";
      if ((event.type === "input") !== typed) { return; }
      edits += 1;
      later();
    }

    form.addEventListener("input", edited);
    form.addEventListener("change", edited);
    form.addEventListener("focusout", function () {
      if (timer) { save().catch(function () {}); }
    });
    if (retry) {
      retry.addEventListener("click", function () {
        save(retry.dataset.keepMine === "1").catch(function () {});
      });
    }
    if (edits !== saved) { show("error", "Not saved yet.", false); }
    return { dirty: dirty, save: save };
  }

  function guard(form) {
    // A form shown again with errors holds what was typed, not what is saved.
    var changed = form.querySelector(".errorlist, .error-box") !== null;
    form.addEventListener("input", function () { changed = true; });
    form.addEventListener("submit", function () { changed = false; });
    return { dirty: function () { return changed; } };
  }

  function waiting() {
    return savers.filter(function (saver) { return saver.dirty(); });
  }

  // Runs before any other handler of a submit (htmx's too): text waiting is saved first,
  // then the form is submitted again, as the user asked.
  var resubmitting = false;
  window.addEventListener("submit", function (event) {
    var pending = waiting();
    if (resubmitting || pending.length === 0) { return; }
    event.preventDefault();
    event.stopImmediatePropagation();
    var form = event.target;
    var submitter = event.submitter;
    Promise.all(pending.map(function (saver) { return saver.save(); })).then(function () {
      resubmitting = true;
      try { form.requestSubmit(submitter || undefined); } finally { resubmitting = false; }
    }, function () {
      // Not saved: nothing is submitted, and the state beside the text says why.
    });
  }, true);

  window.addEventListener("beforeunload", function (event) {
    var unsaved = waiting().length > 0 || guarded.some(function (g) { return g.dirty(); });
    if (unsaved) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  function start() {
    document.querySelectorAll("form[data-autosave]").forEach(function (form) {
      savers.push(autosave(form));
    });
    document.querySelectorAll("form[data-guard]").forEach(function (form) {
      guarded.push(guard(form));
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
