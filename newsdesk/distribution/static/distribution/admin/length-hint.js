// A live character count under a field, against a recommended length (title tag, meta
// description). Admin only; registered on Wagtail's Stimulus application.
window.wagtail.app.register(
  "nd-length-hint",
  class extends window.StimulusModule.Controller {
    static values = { max: Number };

    connect() {
      this.hint = document.createElement("p");
      this.hint.className = "help";
      this.hint.id = `${this.element.id || this.element.name}-length-hint`;
      const described = this.element.getAttribute("aria-describedby");
      this.element.setAttribute(
        "aria-describedby",
        described ? `${described} ${this.hint.id}` : this.hint.id,
      );
      this.element.after(this.hint);
      this.update = this.update.bind(this);
      this.element.addEventListener("input", this.update);
      this.update();
    }

    disconnect() {
      this.element.removeEventListener("input", this.update);
      this.hint.remove();
    }

    update() {
      const count = [...this.element.value.trim()].length;
      const over = count - this.maxValue;
      this.hint.textContent =
        over > 0
          ? `${count} characters: ${over} over the recommended ${this.maxValue}; search results may cut it short.`
          : `${count} of about ${this.maxValue} characters.`;
      this.hint.style.color = over > 0 ? "var(--w-color-text-error, #cd4444)" : "";
    }
  },
);
