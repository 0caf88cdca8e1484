//! A Yew hello world with one stateful component: the floor under any Yew app.

use yew::prelude::*;
#[component]
fn App() -> Html {
    let n = use_state(|| 0);
    let onclick = { let n = n.clone(); Callback::from(move |_| n.set(*n + 1)) };
    html! { <main><h1>{"Hello"}</h1><button {onclick}>{ *n }</button></main> }
}
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn start() { yew::Renderer::<App>::new().render(); }
