//! Coordination between tabs of the same module: one sender at a time, and news of
//! changes to the shared outbox.
//!
//! The sender is chosen with a Web Lock named after the module's outbox: the first tab to
//! ask holds it for as long as it is open and able to send (the lock's callback returns a
//! promise that settles only when the tab gives the lock up, and the browser releases the
//! lock when the page goes away, crash included), the others queue behind it. A tab with
//! no LRS, or whose credentials were refused, does not hold it, so that a tab that can
//! send is not kept waiting. So two tabs never send the same statements at
//! the same time. Where Web Locks are missing (old browsers, pages not served over HTTPS
//! or from localhost), every tab sends, as before, and the LRS's "same id, same statement"
//! rule keeps a double send harmless. A BroadcastChannel tells the other tabs that the
//! stored outbox changed, so they read it again.

use js_sys::{Function, Object, Promise, Reflect};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen]
extern "C" {
    /// The page's `navigator.locks` (web-sys has it only behind its unstable flag).
    type LockManager;
    #[wasm_bindgen(method, js_name = request)]
    fn request(this: &LockManager, name: &str, options: &Object, callback: &Function) -> Promise;
}

/// This tab's claim on being the module's sender; [`SenderLock::release`] gives it up
/// (or withdraws the request if it was not granted yet), so that another tab can send.
pub struct SenderLock {
    abort: Option<web_sys::AbortController>,
    release: Rc<RefCell<Option<Function>>>,
}

impl SenderLock {
    /// Gives up the lock, or the place in the queue for it.
    pub fn release(self) {
        if let Some(abort) = &self.abort {
            abort.abort();
        }
        if let Some(resolve) = self.release.borrow_mut().take() {
            let _ = resolve.call0(&JsValue::UNDEFINED);
        }
    }
}

/// Asks to become the module's sender: `granted` runs once this tab holds the lock, which
/// it keeps until the page closes or the returned claim is released. Without Web Locks,
/// `granted` runs at once.
pub fn become_sender(outbox: &str, granted: impl FnOnce() + 'static) -> SenderLock {
    let release: Rc<RefCell<Option<Function>>> = Rc::new(RefCell::new(None));
    let locks = web_sys::window()
        .and_then(|w| Reflect::get(&w.navigator(), &"locks".into()).ok())
        .filter(|l| !l.is_undefined() && !l.is_null());
    let Some(locks) = locks else {
        granted();
        return SenderLock {
            abort: None,
            release,
        };
    };
    let abort = web_sys::AbortController::new().ok();
    let options = Object::new();
    if let Some(abort) = &abort {
        let _ = Reflect::set(&options, &"signal".into(), &abort.signal());
    }
    let mut granted = Some(granted);
    let held = release.clone();
    let callback = Closure::<dyn FnMut(JsValue) -> Promise>::new(move |_lock| {
        if let Some(granted) = granted.take() {
            granted();
        }
        // Held until this promise settles: when the claim is released or the page goes.
        Promise::new(&mut |resolve, _| *held.borrow_mut() = Some(resolve))
    });
    let name = format!("pelita.outbox:{outbox}");
    let request = locks.unchecked_into::<LockManager>().request(
        &name,
        &options,
        callback.as_ref().unchecked_ref(),
    );
    // A withdrawn request rejects; that is expected, not an error to report.
    let ignore = Closure::<dyn FnMut(JsValue)>::new(|_| {});
    let _ = request.catch(&ignore);
    ignore.forget();
    // The callback must stay callable until the lock is granted, which may be much later.
    callback.forget();
    SenderLock { abort, release }
}

/// The channel on which tabs announce changes to a module's stored outbox.
pub fn channel() -> Option<web_sys::BroadcastChannel> {
    web_sys::BroadcastChannel::new("pelita.outbox").ok()
}

/// Tells the other tabs that the module's stored outbox changed.
pub fn announce(channel: &web_sys::BroadcastChannel, outbox: &str) {
    let _ = channel.post_message(&outbox.into());
}
