// The annual report's editor: paragraphs are edited in place; figures are links to their records
// and cannot be typed over. "改" turns a figure into one typed by hand, marked as such. On save the
// page is read back into the report's JSON.
(function () {
  var form = document.getElementById('report-form');
  if (!form || !document.querySelector('.para[contenteditable="true"]')) return;

  document.querySelectorAll('.para[contenteditable="true"] .figure').forEach(function (chip) {
    var edit = document.createElement('button');
    edit.type = 'button';
    edit.className = 'figure-edit';
    edit.textContent = '改';
    edit.title = '改为手工填写的数字（不再随台账更新）';
    edit.addEventListener('click', function () {
      var value = window.prompt('手工填写的数字（审核时会标出，且不再随台账更新）：', chip.dataset.value);
      if (value === null) return;
      value = value.trim();
      if (!/^\d+$/.test(value)) { window.alert('请填写整数'); return; }
      chip.dataset.value = value;
      chip.dataset.edited = 'true';
      chip.classList.add('edited');
      chip.querySelector('a').textContent = value + chip.dataset.unit;
      dirty = true;
    });
    chip.appendChild(edit);
  });

  function paragraph(el) {
    var segments = [];
    function text(t) {
      if (!t) return;
      var last = segments[segments.length - 1];
      if (last && last.type === 'text') last.text += t; else segments.push({ type: 'text', text: t });
    }
    el.childNodes.forEach(function (node) {
      if (node.nodeType === 1 && node.classList.contains('figure')) {
        segments.push({ type: 'figure', id: node.dataset.id, value: parseInt(node.dataset.value, 10),
                        unit: node.dataset.unit, edited: node.dataset.edited === 'true' });
      } else {
        text(node.textContent.replace(/\s*\n\s*/g, ''));
      }
    });
    return { segments: segments };
  }

  // The figures follow the ledgers while the draft is open: every minute the report is read again
  // and the figures not typed by hand take the ledgers' values.
  var id = form.getAttribute('action').split('/')[2];
  var notice = document.getElementById('report-summary');
  window.setInterval(function () {
    fetch('/api/v1/reports/' + id, { credentials: 'same-origin' }).then(function (r) {
      return r.ok ? r.json() : null;
    }).then(function (detail) {
      if (!detail) return;
      var values = {};
      (function walk(node) {
        if (Array.isArray(node)) { node.forEach(walk); return; }
        if (node && typeof node === 'object') {
          if (node.type === 'figure' && !node.edited) values[node.id] = node.value;
          Object.keys(node).forEach(function (k) { walk(node[k]); });
        }
      })(detail.draft);
      var changed = 0;
      document.querySelectorAll('.figure').forEach(function (chip) {
        if (chip.dataset.edited === 'true' || !(chip.dataset.id in values)) return;
        var now = String(values[chip.dataset.id]);
        if (chip.dataset.value !== now) {
          chip.dataset.value = now;
          chip.querySelector('a').textContent = now + chip.dataset.unit;
          changed += 1;
        }
      });
      if (changed > 0 && notice && !document.getElementById('figures-live')) {
        var tag = document.createElement('span');
        tag.className = 'tag blue';
        tag.id = 'figures-live';
        tag.textContent = '台账数字已更新，保存后生效';
        notice.appendChild(tag);
      }
    }).catch(function () {});
  }, 60000);

  // What was typed is never lost without a word: leaving the page asks, and 提交审核 waits for a
  // save (the server submits what was saved).
  var dirty = false;
  var saving = false;
  form.addEventListener('input', function () { dirty = true; });
  window.addEventListener('beforeunload', function (e) {
    if (!dirty || saving) return;
    e.preventDefault();
    e.returnValue = '';
  });
  var submit = document.getElementById('submit-report');
  if (submit) {
    submit.form.addEventListener('submit', function (e) {
      if (!dirty) return;
      e.preventDefault();
      var note = document.getElementById('unsaved-note');
      if (!note) {
        note = document.createElement('div');
        note.id = 'unsaved-note';
        note.className = 'alert error';
        note.setAttribute('role', 'alert');
        submit.form.parentNode.insertBefore(note, submit.form);
      }
      note.textContent = '报告有未保存的修改：请先点击“保存”，再提交审核。';
      note.scrollIntoView({ block: 'center' });
    });
  }

  // Enter starts a new paragraph after the caret, as in a word processor; the preamble is one.
  document.querySelectorAll('.report-section .para[contenteditable="true"]').forEach(function listen(para) {
    para.addEventListener('keydown', function (e) {
      if (e.key !== 'Enter' || e.shiftKey || e.isComposing) return;
      e.preventDefault();
      var sel = window.getSelection();
      if (!sel.rangeCount) return;
      var range = sel.getRangeAt(0);
      range.deleteContents();
      var rest = document.createRange();
      rest.setStart(range.startContainer, range.startOffset);
      rest.setEnd(para, para.childNodes.length);
      var next = para.cloneNode(false);
      next.removeAttribute('id');
      next.appendChild(rest.extractContents());
      para.parentNode.insertBefore(next, para.nextSibling);
      listen(next);
      var caret = document.createRange();
      caret.setStart(next, 0);
      caret.collapse(true);
      sel.removeAllRanges();
      sel.addRange(caret);
      next.focus();
      dirty = true;
    });
  });
  var preamble = document.getElementById('para-preamble');
  if (preamble) preamble.addEventListener('keydown', function (e) { if (e.key === 'Enter') e.preventDefault(); });

  form.addEventListener('submit', function () {
    saving = true;
    var parts = [];
    document.querySelectorAll('.report-part').forEach(function (part) {
      var sections = [];
      part.querySelectorAll('.report-section').forEach(function (s) {
        var heading = s.querySelector('.section-heading');
        sections.push({
          heading: heading ? heading.value : null,
          paragraphs: Array.prototype.map.call(s.querySelectorAll('.para'), paragraph)
        });
      });
      parts.push({ kind: part.dataset.kind, heading: part.querySelector('.part-heading').value, sections: sections });
    });
    document.getElementById('report-body').value = JSON.stringify({
      title: document.getElementById('report-title').value,
      preamble: paragraph(document.getElementById('para-preamble')),
      parts: parts,
      signature: document.getElementById('report-signature').value,
      date: document.getElementById('report-date').value
    });
  });
})();
