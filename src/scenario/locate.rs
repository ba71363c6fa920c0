//! Errors about a file that was read well but cannot be used as asked (`failsim diff` on files
//! of different systems), located at the node they are about, as the parser's are.

use super::{File, ScenarioError, tree};
use std::path::Path;

/// An error at the `i`-th system of the file `src` (its `system:`, or its entry of `systems:`).
pub fn at_system(path: &Path, src: &str, i: usize, message: &str) -> ScenarioError {
    match tree::read(src) {
        Ok(root) => {
            let file = File { path, src, root: &root };
            file.error(file.system(i), message)
        }
        Err(_) => ScenarioError::plain(path, message),
    }
}
