//! Choosing a method for a gate and proving it: the two steps whose work differs most
//! between a real account and a decoy, so both answer no sooner than the floor.

use super::*;

impl SqlReset {
    pub(super) async fn choose_step(
        &self,
        meta: &RequestMeta,
        method: MethodKind,
        language: String,
    ) -> Result<WizardView, AppError> {
        let rid = meta.request_id.as_str();
        let (wizard, subject, policy) = self.current(meta).await?;
        if wizard.all_gates_passed() {
            return self.view(&wizard, &subject, &policy, rid).await;
        }
        let profile = self.profile(rid).await?;
        let offered = self.offered(&wizard, &subject, &policy, &profile);
        if !offered.contains(&method) || wizard.passed().contains(&method) {
            return Err(AppError::MethodUnavailable);
        }
        let now = self.clock.now();
        let language = Language::parse(&language);
        let mut question_ids = String::new();
        let mut code_expires_at = None;
        let mut tx = self
            .pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .or_internal(rid)?;
        match method {
            MethodKind::Email | MethodKind::Phone => {
                if let Err(retry_after_secs) = self.throttle.hit(meta.ip) {
                    drop(tx);
                    self.record(
                        meta,
                        self.event(meta, AuditKind::Throttled, Outcome::Denied)
                            .detail("send"),
                    )
                    .await;
                    return Err(AppError::Throttled { retry_after_secs });
                }
                // Codes are counted per wizard, and per name from this client and from
                // anywhere, for decoys and real accounts alike.
                let limits = self.limits(&policy);
                let sends =
                    store::sends_since(&mut tx, &wizard.name_key, &wizard.client_key, now - HOUR)
                        .await
                        .or_internal(rid)?;
                if wizard.sends >= limits.sends_per_wizard || sends.sends_exceed(&limits) {
                    drop(tx);
                    self.record(
                        meta,
                        self.event(meta, AuditKind::Throttled, Outcome::Denied)
                            .detail("codes per hour"),
                    )
                    .await;
                    return Err(AppError::TooManyCodes {
                        retry_after_secs: HOUR as u64,
                    });
                }
                code_expires_at = Some(match &subject {
                    Subject::Real(real) => self
                        .send_code(&mut tx, &wizard, real, method, language, now)
                        .await
                        .or_internal(rid)??,
                    Subject::Decoy => now + self.codes.ttl_secs,
                });
            }
            MethodKind::Questions => {
                // A real account is asked among its own answers, a decoy among the bank's.
                let (key, answered): (_, Vec<i64>) = match (&subject, wizard.user_id) {
                    (Subject::Real(_), Some(user_id)) => (
                        key_bytes(&wizard.id_hash),
                        sqlx::query_scalar(
                            "SELECT question_id FROM security_answers WHERE user_id = ? ORDER BY question_id",
                        )
                        .bind(user_id)
                        .fetch_all(&mut *tx)
                        .await
                        .or_internal(rid)?,
                    ),
                    _ => (
                        key_bytes(&wizard.name_key),
                        sqlx::query_scalar(
                            "SELECT id FROM security_questions WHERE active ORDER BY id",
                        )
                        .fetch_all(&mut *tx)
                        .await
                        .or_internal(rid)?,
                    ),
                };
                // Picked by the wizard's id: going back and choosing again asks the same.
                let picked = decoy::questions(&key, &answered, policy.questions_to_reset);
                question_ids = picked
                    .iter()
                    .map(i64::to_string)
                    .collect::<Vec<_>>()
                    .join(",");
            }
            MethodKind::Authenticator | MethodKind::RecoveryCodes => {}
        }
        let moved = store::choose(&mut tx, &wizard, method, &question_ids, code_expires_at)
            .await
            .or_internal(rid)?;
        if !moved {
            drop(tx);
            return self.reread(meta).await;
        }
        tx.commit().await.or_internal(rid)?;
        // Only a real code was queued; a decoy has nothing for the worker.
        if code_expires_at.is_some() && matches!(subject, Subject::Real(_)) {
            self.delivery.wake();
        }
        let event = self
            .event(meta, AuditKind::MethodChosen, Outcome::Success)
            .account_if(wizard.user_id)
            .detail(method.as_str());
        self.record(meta, event.clone()).await;
        if code_expires_at.is_some() {
            let mut sent = event;
            sent.kind = AuditKind::CodeSent;
            self.record(meta, sent).await;
        }
        // The row as just written, without reading it back.
        let wizard = Wizard {
            method: Some(method.as_str().to_owned()),
            question_ids,
            code_expires_at,
            attempts: 0,
            sends: wizard.sends + i64::from(code_expires_at.is_some()),
            ..wizard
        };
        self.view(&wizard, &subject, &policy, rid).await
    }

    pub(super) async fn back_step(&self, meta: &RequestMeta) -> Result<WizardView, AppError> {
        let wizard = self.wizard(meta).await?;
        store::back(&self.pool, &wizard)
            .await
            .or_internal(&meta.request_id)?;
        self.reread(meta).await
    }

    pub(super) async fn verify_step(
        &self,
        meta: &RequestMeta,
        answer: GateAnswer,
    ) -> Result<WizardView, AppError> {
        let rid = meta.request_id.as_str();
        let (wizard, subject, policy) = self.current(meta).await?;
        let Some(method) = wizard.method() else {
            return Err(AppError::BadRequest("no method chosen".into()));
        };
        // Wrong answers from this client (or, far more, from anywhere) stop the name here
        // too, or wizards opened in parallel could each spend a full allowance.
        let limits = self.limits(&policy);
        if let Some(retry) = self
            .blocked_for(
                &wizard.name_key,
                &wizard.client_key,
                &limits,
                self.clock.now(),
            )
            .await
            .or_internal(rid)?
        {
            return Err(self.blocked(meta, wizard.user_id, Some(retry)).await);
        }
        if !self.prove(&wizard, &subject, method, &answer, rid).await? {
            return Err(self.wrong(meta, &wizard, &policy, method).await);
        }
        let mut conn = self.pool.acquire().await.or_internal(rid)?;
        if !store::pass_gate(&mut conn, &wizard)
            .await
            .or_internal(rid)?
        {
            // A parallel request moved the wizard first; show where it is now.
            return self.reread(meta).await;
        }
        drop(conn);
        let event = self
            .event(meta, AuditKind::GatePassed, Outcome::Success)
            .account_if(wizard.user_id)
            .detail(method.as_str());
        self.record(meta, event).await;
        // The row as just written, without reading it back.
        let mut subject = subject;
        if let (Subject::Real(real), MethodKind::RecoveryCodes) = (&mut subject, method) {
            real.facts.recovery_codes_left -= 1;
        }
        let mut passed = wizard.passed();
        passed.push(method);
        let wizard = Wizard {
            gates_passed: passed
                .iter()
                .map(|m| m.as_str())
                .collect::<Vec<_>>()
                .join(","),
            method: None,
            question_ids: String::new(),
            code_expires_at: None,
            attempts: 0,
            ..wizard
        };
        self.view(&wizard, &subject, &policy, rid).await
    }
}
