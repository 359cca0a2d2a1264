//! The custom "name" section: module, function and local names, kept for backtraces and
//! debugging. Only subsections 0 (module), 1 (functions) and 2 (locals) are read.

use std::collections::HashMap;

use super::reader::Reader;
use crate::error::Result;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Names {
    pub module: Option<String>,
    pub functions: HashMap<u32, String>,
    pub locals: HashMap<u32, HashMap<u32, String>>,
}

impl Names {
    pub fn decode(mut r: Reader<'_>) -> Result<Names> {
        let mut names = Names::default();
        let mut last_id = None;
        while !r.is_empty() {
            let id = r.read_u8()?;
            if last_id.is_some_and(|last| id <= last) {
                return Err(r.malformed("name subsections out of order"));
            }
            last_id = Some(id);
            let size = r.read_u32()? as usize;
            let mut s = r.sub_reader(size)?;
            match id {
                0 => names.module = Some(s.read_name()?.to_string()),
                1 => names.functions = read_name_map(&mut s)?,
                2 => {
                    let count = s.read_len()?;
                    for _ in 0..count {
                        let function = s.read_u32()?;
                        names.locals.insert(function, read_name_map(&mut s)?);
                    }
                }
                _ => s.skip_to_end(),
            }
            if !s.is_empty() {
                return Err(s.malformed("name subsection size mismatch"));
            }
        }
        Ok(names)
    }
}

fn read_name_map(s: &mut Reader<'_>) -> Result<HashMap<u32, String>> {
    let count = s.read_len()?;
    let mut map = HashMap::with_capacity(count as usize);
    for _ in 0..count {
        let index = s.read_u32()?;
        map.insert(index, s.read_name()?.to_string());
    }
    Ok(map)
}
