/*
 * wagtail-clinic: a character counter for length-limited text fields in the
 * Wagtail admin ("516 / 500 characters"), in place of the browser's silent
 * maxlength cut. It counts as the server does (wagtail_clinic/blocks/text.py):
 * code points, not UTF-16 units, of the text without leading or trailing
 * whitespace, a line break as one character.
 *
 * Markup (written by CountedTextInput / CountedTextarea):
 *   <textarea data-controller="clinic-count" data-clinic-count-max-value="500"
 *     data-clinic-count-label-value="%(count)s / %(limit)s characters"
 *     data-clinic-count-over-value="%(over)s characters too many">
 * One-line inputs add data-clinic-count-threshold-value="0.8": their counter
 * shows from 80 % of the limit on.
 */
(() => {
  const register = () => {
    const { wagtail, StimulusModule } = window;
    if (!wagtail || !wagtail.app || !StimulusModule) return false;

    class CharacterCountController extends StimulusModule.Controller {
      static values = {
        max: Number,
        // Shown from this share of the limit on (0: always).
        threshold: { type: Number, default: 0 },
        label: { type: String, default: '%(count)s / %(limit)s' },
        over: { type: String, default: '%(over)s too many' },
      };

      connect() {
        this.counter = document.createElement('p');
        this.counter.className = 'clinic-char-count';
        this.counter.style.margin = '0.25rem 0 0';
        this.counter.style.fontSize = '0.875rem';
        this.counter.id = `${this.element.id || this.element.name}-clinic-count`;
        // Announced when it changes from within to over the limit, not on
        // every keystroke (see update()).
        this.status = document.createElement('span');
        this.status.className = 'w-sr-only';
        this.status.setAttribute('aria-live', 'polite');
        this.visible = document.createElement('span');
        this.visible.setAttribute('aria-hidden', 'true');
        this.counter.append(this.visible, this.status);
        this.element.insertAdjacentElement('afterend', this.counter);
        const described = (this.element.getAttribute('aria-describedby') || '')
          .split(' ')
          .filter(Boolean);
        this.element.setAttribute(
          'aria-describedby',
          [...described, this.counter.id].join(' '),
        );
        this.onInput = () => this.update();
        this.element.addEventListener('input', this.onInput);
        this.wasOver = null;
        this.update();
      }

      disconnect() {
        this.element.removeEventListener('input', this.onInput);
        if (this.counter) this.counter.remove();
      }

      static count(text) {
        // Python's len(str.strip()): code points, line breaks as one.
        return [...text.replace(/\r\n?/g, '\n').trim()].length;
      }

      update() {
        const count = CharacterCountController.count(this.element.value || '');
        const limit = this.maxValue;
        const over = count > limit;
        this.counter.hidden = count < this.thresholdValue * limit;
        this.visible.textContent = this.labelValue
          .replace('%(count)s', count)
          .replace('%(limit)s', limit);
        this.counter.classList.toggle('clinic-char-count--over', over);
        // Wagtail's admin colours; the admin does not load the site's CSS.
        this.counter.style.color = over ? 'var(--w-color-critical-200)' : '';
        this.counter.style.fontWeight = over ? '700' : '';
        if (over !== this.wasOver && this.wasOver !== null) {
          this.status.textContent = over
            ? this.overValue.replace('%(over)s', count - limit)
            : '';
        }
        this.wasOver = over;
      }
    }

    wagtail.app.register('clinic-count', CharacterCountController);
    return true;
  };

  if (!register()) {
    document.addEventListener('DOMContentLoaded', register, { once: true });
  }
})();
