//! User Timing marks at the player's milestones (`performance.mark`), so that a benchmark
//! or the browser's performance panel can tell where the time to the first question went
//! without a profiler, which would change what it measures.

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = performance, js_name = mark, catch)]
    fn performance_mark(name: &str) -> Result<JsValue, JsValue>;
}

/// Marks `name` now. A browser without User Timing simply has no marks.
pub fn mark(name: &str) {
    let _ = performance_mark(name);
}
