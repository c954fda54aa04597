//! The queue in front of a group-commit writer task. The task is started on first use
//! (spawning needs a running runtime, which constructors may not have), and started
//! again if the runtime that ran it has gone (its receiver dropped, so the sender is
//! closed): a test's runtime ends, a handle outlives it.

use std::future::Future;
use std::sync::Mutex;
use tokio::sync::mpsc;

pub struct WriterQueue<T> {
    capacity: usize,
    sender: Mutex<Option<mpsc::Sender<T>>>,
}

impl<T: Send + 'static> WriterQueue<T> {
    /// A queue holding up to `capacity` items; senders wait for room beyond that.
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            sender: Mutex::new(None),
        }
    }

    /// The live writer's sender, spawning `writer(receiver)` first when none runs.
    pub fn sender<W, F>(&self, writer: W) -> mpsc::Sender<T>
    where
        W: FnOnce(mpsc::Receiver<T>) -> F,
        F: Future<Output = ()> + Send + 'static,
    {
        let mut sender = self
            .sender
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        match &*sender {
            Some(live) if !live.is_closed() => live.clone(),
            _ => {
                let (live, receiver) = mpsc::channel(self.capacity);
                tokio::spawn(writer(receiver));
                *sender = Some(live.clone());
                live
            }
        }
    }
}
