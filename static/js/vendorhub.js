/* VendorHub page behaviour. Plain JavaScript, no framework, loaded with `defer` on every
 * page from our own origin (strict CSP: no inline script or style anywhere, so nothing
 * here sets element.style). What it does, and the markup it expects (README, "UI
 * conventions"):
 *   - the Menu button collapses the main navigation on narrow screens;
 *   - [data-error-summary] (includes/error_summary.html, includes/conflict.html) takes
 *     focus when a page or an htmx swap brings one;
 *   - htmx errors that are not swapped (403, 404, 5xx, network) are announced in #messages;
 *   - table.table-cards cells get data-label from their column header (the card layout
 *     under 640 px shows it);
 *   - a form or submit button with data-confirm="…" asks before it submits (htmx too);
 *   - a button with data-print prints the page (print styles: A4 landscape).
 */
(function () {
  'use strict';
  var root = document.documentElement;
  root.classList.add('js');

  function onReady(fn) {
    if (document.readyState === 'loading') {
      document.addEventListener('DOMContentLoaded', fn);
    } else {
      fn();
    }
  }

  /* --- Navigation ------------------------------------------------------------------ */
  function setupNav() {
    var toggle = document.querySelector('.nav-toggle');
    var bar = document.querySelector('.topbar');
    if (!toggle || !bar) { return; }
    toggle.addEventListener('click', function () {
      var open = toggle.getAttribute('aria-expanded') !== 'true';
      toggle.setAttribute('aria-expanded', open ? 'true' : 'false');
      bar.classList.toggle('nav-open', open);
    });
    document.addEventListener('keydown', function (event) {
      if (event.key === 'Escape' && bar.classList.contains('nav-open')) {
        bar.classList.remove('nav-open');
        toggle.setAttribute('aria-expanded', 'false');
        toggle.focus();
      }
    });
  }

  /* --- Responsive tables ----------------------------------------------------------- */
  function labelTables(scope) {
    var tables = scope.querySelectorAll ? scope.querySelectorAll('table.table-cards') : [];
    Array.prototype.forEach.call(tables, function (table) {
      var head = table.tHead && table.tHead.rows[0];
      if (!head) { return; }
      var labels = [];
      Array.prototype.forEach.call(head.cells, function (th) {
        for (var i = 0; i < (th.colSpan || 1); i++) { labels.push(th.textContent.trim()); }
      });
      Array.prototype.forEach.call(table.tBodies, function (body) {
        Array.prototype.forEach.call(body.rows, function (row) {
          var column = 0;
          Array.prototype.forEach.call(row.cells, function (cell) {
            if (!cell.hasAttribute('data-label') && labels[column] !== undefined) {
              cell.setAttribute('data-label', labels[column]);
            }
            column += cell.colSpan || 1;
          });
        });
      });
    });
  }

  /* --- Error summary focus ------------------------------------------------------------ */
  function focusErrors(scope) {
    var summary = null;
    if (scope.matches && scope.matches('[data-error-summary]')) {
      summary = scope;
    } else if (scope.querySelector) {
      summary = scope.querySelector('[data-error-summary]');
    }
    if (summary) {
      summary.focus({ preventScroll: true });
      summary.scrollIntoView({ block: 'center' });
    }
  }

  /* --- Announcements ------------------------------------------------------------------ */
  function announce(text, kind) {
    var region = document.getElementById('messages');
    if (!region) { return; }
    var item = document.createElement('p');
    item.className = 'message ' + (kind || 'error');
    item.setAttribute('role', 'alert');
    item.textContent = text;
    region.appendChild(item);
  }

  var STATUS_TEXT = {
    403: 'You may not make this change with your role. Nothing was saved.',
    404: 'This no longer exists, or you do not have access to it. Nothing was saved.',
    413: 'The file is too large. Nothing was saved.',
    429: 'Too many attempts. Wait a moment and try again.'
  };

  function errorText(status) {
    if (STATUS_TEXT[status]) { return STATUS_TEXT[status]; }
    if (status >= 500) {
      return 'Something went wrong on our side (error ' + status + '). Nothing was half-saved; please try again.';
    }
    return 'The request was refused (error ' + status + '). Reload the page and try again.';
  }

  /* --- Confirmations ------------------------------------------------------------------- */
  // Capture phase on the document: runs before htmx's own submit listener on the form,
  // so a cancelled confirmation stops both a normal submit and an htmx request.
  document.addEventListener('submit', function (event) {
    var form = event.target;
    var button = event.submitter;
    var message = (button && button.getAttribute('data-confirm')) || form.getAttribute('data-confirm');
    if (message && !window.confirm(message)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  /* --- Print buttons --------------------------------------------------------------------- */
  document.addEventListener('click', function (event) {
    var button = event.target.closest && event.target.closest('[data-print]');
    if (button) { window.print(); }
  });

  onReady(function () {
    setupNav();
    labelTables(document);
    focusErrors(document);
    // htmx:load fires for every element htmx adds (outerHTML swaps included).
    document.body.addEventListener('htmx:load', function (event) {
      labelTables(event.detail.elt);
      focusErrors(event.detail.elt);
    });
    document.body.addEventListener('htmx:responseError', function (event) {
      announce(errorText(event.detail.xhr.status));
    });
    document.body.addEventListener('htmx:sendError', function () {
      announce('The server could not be reached. Check your connection; nothing was saved.');
    });
  });
}());
