//! Files made in the page for download: a Blob and its object URL.

use wasm_bindgen::JsValue;

/// An object URL for `text` as a file of type `mime`, or `None` if the browser refuses.
/// Whoever makes it revokes it with [`revoke`] when the link goes away.
pub fn object_url(text: &str, mime: &str) -> Option<String> {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).ok()?;
    web_sys::Url::create_object_url_with_blob(&blob).ok()
}

/// Frees an object URL made by [`object_url`].
pub fn revoke(url: &str) {
    let _ = web_sys::Url::revoke_object_url(url);
}
