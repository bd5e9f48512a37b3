// Convolution Playground: the student's own picture. A hidden file picker (opened by the app's
// "Open your own image…" button through Module.convplayOpenImage) and drag-and-drop onto the canvas;
// both hand the file's bytes to the app's exported C function cp_load_image(bytes, size, name), which
// decodes (stb_image), downscales large pictures and shows the result or the reason in the scene.
//
//   installImageInput(module, canvas)   after the module instance exists (createConvplay(...).then)
//
// Nothing here interprets the file: the app decides whether it is an image. Files larger than 64 MB are
// refused here, before they are copied into the module's memory.
'use strict';
(function () {
  const MAX_BYTES = 64 * 1024 * 1024;

  function installImageInput(module, canvas) {
    if (!module || typeof module._cp_load_image !== 'function') return; // a build without image input
    const input = document.createElement('input');
    input.type = 'file';
    input.accept = 'image/png,image/jpeg,image/gif,image/bmp,.png,.jpg,.jpeg,.gif,.bmp';
    input.style.display = 'none';
    input.setAttribute('aria-hidden', 'true');
    document.body.appendChild(input);

    function report(message) {
      if (message) console.info('convplay: ' + message);
    }

    // Copies the bytes into the module's heap and calls the app; the app keeps what it needs.
    function deliver(name, bytes) {
      const ptr = module._malloc(Math.max(bytes.length, 1));
      if (!ptr) {
        report('not enough memory to open ' + name);
        return;
      }
      try {
        module.HEAPU8.set(bytes, ptr);
        module.ccall('cp_load_image', 'number', ['number', 'number', 'string'], [ptr, bytes.length, name]);
        report(module.UTF8ToString(module._cp_image_message()));
      } finally {
        module._free(ptr);
      }
    }

    function readFile(file) {
      if (!file) return;
      if (file.size > MAX_BYTES) { // not copied: the app hears only its size and says it is too large
        module.ccall('cp_load_image', 'number', ['number', 'number', 'string'], [0, Math.min(file.size, 2147483647), file.name]);
        report(module.UTF8ToString(module._cp_image_message()));
        return;
      }
      file.arrayBuffer().then((buffer) => deliver(file.name, new Uint8Array(buffer)),
                              (error) => report('could not read ' + file.name + ': ' + (error && error.message || error)));
    }

    input.addEventListener('change', () => {
      readFile(input.files && input.files[0]);
      input.value = ''; // the same file again is a new choice
      canvas.focus({ preventScroll: true });
    });
    module.convplayOpenImage = () => input.click();

    // Drag and drop onto the canvas: only files; the page must not navigate to the dropped file.
    const hasFiles = (e) => e.dataTransfer && Array.from(e.dataTransfer.types || []).includes('Files');
    canvas.addEventListener('dragover', (e) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = 'copy';
    });
    canvas.addEventListener('drop', (e) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      readFile(e.dataTransfer.files && e.dataTransfer.files[0]);
      canvas.focus({ preventScroll: true });
    });
  }

  window.installImageInput = installImageInput;
})();
