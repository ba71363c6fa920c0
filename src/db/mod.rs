//! A database server (a Cassandra node) as the failover products see it: running or not, and
//! whether it may start. In a cluster with a master seed node, a non-seed node can only start
//! while the seed node is available (DM-SEED-1); once started it keeps running without it.

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct DbServer {
    pub running: bool,
    pub is_seed: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StartError {
    SeedUnavailable,
    /// A required node of a database outside the pair cannot be reached (DM-STORAGE-CLUSTER).
    NodeMissing,
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StartError::SeedUnavailable => f.write_str("the master seed node is not available"),
            StartError::NodeMissing => f.write_str("a required database node is missing"),
        }
    }
}

impl DbServer {
    pub fn new(is_seed: bool) -> Self {
        DbServer { running: true, is_seed }
    }

    /// Starts the server. `seed_available`: the seed node runs and is reachable from here.
    pub fn start(&mut self, seed_available: bool) -> Result<bool, StartError> {
        if self.running {
            return Ok(false);
        }
        if !self.is_seed && !seed_available {
            return Err(StartError::SeedUnavailable);
        }
        self.running = true;
        Ok(true)
    }

    pub fn stop(&mut self) -> bool {
        std::mem::replace(&mut self.running, false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_seed_needs_the_seed_to_start_but_not_to_run() {
        let mut db = DbServer::new(false);
        db.stop();
        assert_eq!(db.start(false), Err(StartError::SeedUnavailable));
        assert_eq!(db.start(true), Ok(true));
        assert_eq!(db.start(false), Ok(false), "already running");
        let mut seed = DbServer::new(true);
        seed.stop();
        assert_eq!(seed.start(false), Ok(true));
    }
}
