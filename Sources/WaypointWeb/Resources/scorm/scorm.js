// A Waypoint module as a SCORM 1.2 SCO: finds the LMS's API, reports the knowledge check's score
// and pass/fail against the mastery score, and finishes the session. Questions are built with
// textContent only: nothing in the data becomes markup.
(function () {
  "use strict";

  // SCORM 1.2 run-time discovery: the API object on this window, a parent frame, or the opener.
  function findAPI(win) {
    var tries = 0;
    while (win && !win.API && win.parent && win.parent !== win && tries < 7) {
      tries += 1;
      win = win.parent;
    }
    return (win && win.API) || null;
  }
  var api = findAPI(window) || (window.opener ? findAPI(window.opener) : null);
  var started = new Date();
  var finished = false;

  function lms(name) {
    if (!api || typeof api[name] !== "function") { return "false"; }
    try { return String(api[name].apply(api, Array.prototype.slice.call(arguments, 1))); } catch (error) { return "false"; }
  }

  function sessionTime() {
    var seconds = Math.max(0, Math.round((new Date() - started) / 1000));
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return two(Math.floor(seconds / 3600)) + ":" + two(Math.floor(seconds / 60) % 60) + ":" + two(seconds % 60);
  }

  function finish() {
    if (finished) { return; }
    finished = true;
    lms("LMSSetValue", "cmi.core.session_time", sessionTime());
    lms("LMSCommit", "");
    lms("LMSFinish", "");
  }

  var data = JSON.parse(document.getElementById("sco-data").textContent);
  lms("LMSInitialize", "");
  var status = lms("LMSGetValue", "cmi.core.lesson_status");
  if (status === "not attempted" || status === "" || status === "false") {
    lms("LMSSetValue", "cmi.core.lesson_status", "incomplete");
  }
  // The LMS may set its own mastery score; otherwise the course's pass mark.
  var mastery = parseInt(lms("LMSGetValue", "cmi.student_data.mastery_score"), 10);
  if (isNaN(mastery)) { mastery = data.passPercent; }

  var form = document.getElementById("check-form");
  var list = document.getElementById("check-questions");
  var feedback = document.getElementById("check-feedback");

  function draw() {
    var pool = data.pool.slice();
    for (var i = pool.length - 1; i > 0; i -= 1) {
      var j = Math.floor(Math.random() * (i + 1));
      var swap = pool[i]; pool[i] = pool[j]; pool[j] = swap;
    }
    return pool.slice(0, data.draw);
  }

  var drawn = [];
  function show() {
    drawn = draw();
    list.textContent = "";
    drawn.forEach(function (question, index) {
      var fieldset = document.createElement("fieldset");
      fieldset.className = "question";
      fieldset.setAttribute("data-question", question.id);
      var legend = document.createElement("legend");
      legend.textContent = (index + 1) + ". " + question.text;
      fieldset.appendChild(legend);
      question.choices.forEach(function (choice) {
        var label = document.createElement("label");
        var box = document.createElement("input");
        box.type = "checkbox";
        box.id = "q-" + question.id + "-" + choice.id;
        box.value = choice.id;
        label.setAttribute("for", box.id);
        label.appendChild(box);
        label.appendChild(document.createTextNode(" " + choice.text));
        fieldset.appendChild(label);
      });
      list.appendChild(fieldset);
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var right = 0;
    feedback.textContent = "";
    var items = document.createElement("ol");
    drawn.forEach(function (question) {
      var chosen = Array.prototype.map.call(document.querySelectorAll("[data-question='" + question.id + "'] input:checked"), function (box) { return box.value; });
      var ok = chosen.length === question.correct.length && chosen.every(function (id) { return question.correct.indexOf(id) >= 0; });
      if (ok) { right += 1; }
      var item = document.createElement("li");
      item.setAttribute("data-right", String(ok));
      item.textContent = (ok ? data.words.right : data.words.wrong) + " " + question.explanation + " (" + question.source + ")";
      items.appendChild(item);
    });
    var percent = drawn.length ? Math.floor(right * 100 / drawn.length) : 0;
    var passed = percent >= mastery;
    lms("LMSSetValue", "cmi.core.score.min", "0");
    lms("LMSSetValue", "cmi.core.score.max", "100");
    lms("LMSSetValue", "cmi.core.score.raw", String(percent));
    lms("LMSSetValue", "cmi.core.lesson_status", passed ? "passed" : "failed");
    lms("LMSCommit", "");
    var summary = document.createElement("p");
    summary.id = "check-score";
    summary.setAttribute("data-passed", String(passed));
    summary.textContent = percent + "% — " + (passed ? data.words.passed : data.words.notPassed);
    feedback.appendChild(summary);
    feedback.appendChild(items);
    if (passed) {
      form.hidden = true;
      finish();
    } else {
      show();  // a new draw for the next try
    }
  });

  window.addEventListener("beforeunload", finish);
  window.addEventListener("pagehide", finish);
  show();
}());
