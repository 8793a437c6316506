// Live job log: the fragment templates/job/fragments/log.html. Plain JavaScript, no framework.
// Shows the tail of the log, follows it over Server-Sent Events (the browser re-sends Last-Event-ID when it
// reconnects), keeps at most MAX_LINES lines in the page and loads earlier ones on demand.
(function () {
  'use strict';
  if (window.__jobLogLoaded) return; // the fragment may be included more than once
  window.__jobLogLoaded = true;

  var MAX_LINES = 5000;   // lines kept in the DOM
  var FIRST_PAGE = 1000;  // lines shown at first (the tail)
  var EARLIER_PAGE = 1000;
  var RETRY_MS = 5000;    // after the server refused a connection (EventSource gives up on 4xx/5xx)

  function init(root) {
    if (root.__jobLog) return;
    root.__jobLog = true;
    var streamUrl = root.dataset.streamUrl;
    var pageUrl = root.dataset.pageUrl;
    var box = root.querySelector('.joblog-lines');
    var follow = root.querySelector('.joblog-follow');
    var earlier = root.querySelector('.joblog-earlier');
    var state = root.querySelector('.joblog-state');

    var lastSeq = 0;     // highest seq received
    var firstSeq = 0;    // seq of the first line in the DOM (0: none)
    var pending = [];    // lines waiting for the next animation frame
    var scheduled = false;
    var source = null;
    var ended = false;

    function sep(url) { return url.indexOf('?') < 0 ? '?' : '&'; }

    function render(line) {
      var div = document.createElement('div');
      div.className = 'joblog-line' + (line.stream === 'ERR' ? ' err' : line.stream === 'PANEL' ? ' panel' : '');
      div.dataset.seq = line.seq;
      div.title = line.at + (line.step != null ? ' · step ' + line.step : '') + ' · ' + line.stream;
      var time = document.createElement('span');
      time.className = 'joblog-time';
      time.textContent = (line.at || '').substring(11, 19) + ' ';
      div.appendChild(time);
      div.appendChild(document.createTextNode(line.line));
      return div;
    }

    function updateEarlier() {
      var hidden = firstSeq > 1 ? firstSeq - 1 : 0;
      earlier.hidden = hidden === 0;
      earlier.textContent = hidden.toLocaleString() + ' earlier line' + (hidden === 1 ? '' : 's') + ' — load earlier';
    }

    // One DOM update per frame, however many lines arrived meanwhile.
    function flush() {
      scheduled = false;
      if (pending.length > 0) {
        var batch = pending.length > MAX_LINES ? pending.slice(pending.length - MAX_LINES) : pending;
        pending = [];
        var fragment = document.createDocumentFragment();
        for (var i = 0; i < batch.length; i++) fragment.appendChild(render(batch[i]));
        box.appendChild(fragment);
      }
      if (follow.checked) {
        // keep the page light: drop the oldest lines (they can be loaded again)
        var extra = box.childElementCount - MAX_LINES;
        if (extra > 0) {
          var range = document.createRange();
          range.setStartBefore(box.firstChild);
          range.setEndBefore(box.children[extra]);
          range.deleteContents();
        }
        box.scrollTop = box.scrollHeight;
      }
      firstSeq = box.firstChild ? Number(box.firstChild.dataset.seq) : 0;
      updateEarlier();
    }

    function schedule() {
      if (!scheduled) {
        scheduled = true;
        window.requestAnimationFrame(flush);
      }
    }

    function add(line) {
      if (line.seq <= lastSeq) return; // never twice
      lastSeq = line.seq;
      pending.push(line);
      if (pending.length > MAX_LINES * 2) pending.splice(0, pending.length - MAX_LINES);
      schedule();
    }

    function setState(text) { state.textContent = text; }

    function connect() {
      if (ended) return;
      // the first connection says where to start; reconnects send Last-Event-ID by themselves
      source = new EventSource(streamUrl + sep(streamUrl) + 'after=' + lastSeq);
      source.onopen = function () { setState('live'); };
      source.addEventListener('line', function (event) {
        add(JSON.parse(event.data));
      });
      source.addEventListener('end', function (event) {
        ended = true;
        source.close();
        setState('finished' + (event.data ? ' (' + event.data.toLowerCase() + ')' : ''));
      });
      source.onerror = function () {
        if (ended) return;
        if (source.readyState === EventSource.CLOSED) {
          // refused (signed out, too many streams, …): try again later with what we have
          setState('disconnected — retrying');
          window.setTimeout(connect, RETRY_MS);
        } else {
          setState('reconnecting…');
        }
      };
    }

    function loadEarlier() {
      if (firstSeq <= 1) return;
      earlier.disabled = true;
      fetch(pageUrl + sep(pageUrl) + 'before=' + firstSeq + '&limit=' + EARLIER_PAGE,
          { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
        .then(function (response) {
          if (!response.ok) throw new Error('HTTP ' + response.status);
          return response.json();
        })
        .then(function (page) {
          if (page.lines.length === 0) return;
          // reading back in time: stop following so the view stays where the reader is
          follow.checked = false;
          var before = box.scrollHeight;
          var fragment = document.createDocumentFragment();
          page.lines.forEach(function (line) { fragment.appendChild(render(line)); });
          box.insertBefore(fragment, box.firstChild);
          firstSeq = page.lines[0].seq;
          box.scrollTop += box.scrollHeight - before;
          updateEarlier();
        })
        .catch(function () { setState('could not load earlier lines'); })
        .then(function () { earlier.disabled = false; });
    }

    earlier.addEventListener('click', loadEarlier);
    follow.addEventListener('change', function () {
      if (follow.checked) schedule();
    });
    // scrolling up by hand stops following; scrolling back to the end resumes it
    box.addEventListener('scroll', function () {
      var atEnd = box.scrollHeight - box.scrollTop - box.clientHeight < 8;
      if (follow.checked !== atEnd) follow.checked = atEnd;
    });

    setState('loading…');
    fetch(pageUrl + sep(pageUrl) + 'tail=true&limit=' + FIRST_PAGE,
        { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (response) {
        if (!response.ok) throw new Error('HTTP ' + response.status);
        return response.json();
      })
      .then(function (page) {
        page.lines.forEach(add);
        flush();
      })
      .catch(function () { /* the stream replays from the start instead */ })
      .then(connect);
  }

  function start() {
    document.querySelectorAll('.joblog[data-stream-url]').forEach(init);
  }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
