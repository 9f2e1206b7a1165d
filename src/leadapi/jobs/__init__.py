"""Background loops: in the API process by default; `leadapi worker` (later) runs them on their own."""
