//! Images through every generated crate on every engine that speaks its API version:
//! build from the busybox context (a progress stream read to its end), inspect, list
//! (reference, label and dangling filters), history, tag, remove and prune.

macro_rules! suite {
    ($api:ident, $era:ident) => {
        use $api::client::Client;
        use $api::filters::{ImageListFilters, ImagePruneFilters};
        use dockwright_tests::engines::{busybox_context, finish_build, label_filter, labels, retry_busy, unique, Engine, TEST_LABEL};
        use dockwright_tests::json;

        /// Builds the busybox context (plus `extra` Dockerfile lines) as `tag` without the
        /// build cache, so no other test shares (and removes) its layers; returns the image id.
        async fn build(client: &Client, engine: &Engine, tag: &str, run_id: &str, extra: &str) -> Option<String> {
            let name = engine.spec.name;
            let context = busybox_context(extra)?;
            let stream = client
                .image_build()
                .t(tag)
                .labels(labels(run_id))
                .nocache(true)
                .rm(true)
                .forcerm(true)
                .body(dockwright_runtime::Body::from(context))
                .await
                .unwrap_or_else(|e| panic!("{name}: build: {e}"));
            let messages = finish_build(name, stream).await;
            let output: String = messages.iter().filter_map(|m| m.stream.clone()).collect();
            assert!(output.contains("Successfully built"), "{name}: {output}");
            assert!(output.contains(&format!("Successfully tagged {tag}")), "{name}: {output}");
            // The image exists afterwards, whatever the stream said.
            let image = client.image_inspect(tag).await.unwrap_or_else(|e| panic!("{name}: inspect {tag}: {e}"));
            Some(image.id.clone().expect("Id"))
        }

        pub async fn run(engine: &Engine) {
            let name = engine.spec.name;
            let client = Client::new(engine.transport());
            let cleanup = engine.cleanup();
            let run_id = unique("img");
            let repo = run_id.clone();
            let tag = format!("{repo}:v1");
            cleanup.image(&tag);
            let Some(first) = build(&client, engine, &tag, &run_id, "").await else {
                return;
            };
            assert!(first.starts_with("sha256:"), "{name}: {first}");

            // Inspect: tags, labels from the build's `labels` parameter, the command.
            let image = client.image_inspect(&tag).await.unwrap_or_else(|e| panic!("{name}: inspect: {e}"));
            assert_eq!(image.repo_tags.as_deref(), Some(&[tag.clone()][..]), "{name}");
            let image_json = json(&image);
            assert_eq!(image_json["Config"]["Labels"][TEST_LABEL], run_id.as_str(), "{name}: {image_json}");
            assert_eq!(image_json["Os"], "linux");
            // By id too.
            assert_eq!(client.image_inspect(&first).await.unwrap().id.as_deref(), Some(first.as_str()));

            // List: `reference` and `label` select exactly this image.
            let by_reference = client
                .image_list()
                .filters(ImageListFilters::new().reference(&repo))
                .await
                .unwrap_or_else(|e| panic!("{name}: list: {e}"));
            assert_eq!(by_reference.len(), 1, "{name}: {by_reference:?}");
            assert_eq!(by_reference[0].id, first);
            assert_eq!(by_reference[0].repo_tags, std::slice::from_ref(&tag));
            let by_tag = client
                .image_list()
                .filters(ImageListFilters::new().reference(&tag))
                .await
                .unwrap();
            assert_eq!(by_tag.iter().map(|i| &i.id).collect::<Vec<_>>(), [&first], "{name}");
            let none = client
                .image_list()
                .filters(ImageListFilters::new().reference(format!("{repo}:nope")))
                .await
                .unwrap();
            assert!(none.is_empty(), "{name}: {none:?}");
            let by_label = client
                .image_list()
                .filters(ImageListFilters::new().label(label_filter(&run_id)))
                .await
                .unwrap();
            assert_eq!(by_label.iter().map(|i| &i.id).collect::<Vec<_>>(), [&first], "{name}");
            let all = client.image_list().await.unwrap();
            assert!(all.iter().any(|i| i.id == first), "{name}");

            // History: the build's steps, newest first.
            let history = client.image_history(&tag).await.unwrap_or_else(|e| panic!("{name}: history: {e}"));
            assert!(history.len() >= 3, "{name}: {history:?}");
            assert_eq!(history[0].id, first, "{name}");
            assert_eq!(history[0].tags, std::slice::from_ref(&tag), "{name}");
            // Layers without a tag (the COPY step at least): `"Tags": null` on every engine,
            // empty by the nil rule (crate::ir::nullability).
            assert!(history[1..].iter().any(|h| h.tags.is_empty()), "{name}: {history:?}");
            let steps: Vec<&str> = history.iter().map(|h| h.created_by.as_str()).collect();
            assert!(steps.iter().any(|s| s.contains("--install")), "{name}: {steps:?}");
            assert!(steps.iter().any(|s| s.contains("COPY")), "{name}: {steps:?}");

            // Tag under a second name, then remove that name only: an untag.
            let other_repo = format!("{repo}-other");
            let other = format!("{other_repo}:v2");
            cleanup.image(&other);
            client
                .image_tag(&tag)
                .repo(&other_repo)
                .tag("v2")
                .await
                .unwrap_or_else(|e| panic!("{name}: tag: {e}"));
            let tagged = client.image_inspect(&other).await.unwrap();
            assert_eq!(tagged.id.as_deref(), Some(first.as_str()), "{name}");
            let mut tags = tagged.repo_tags.clone().unwrap_or_default();
            tags.sort();
            assert_eq!(tags, [other.clone(), tag.clone()], "{name}");
            let removed = client.image_delete(&other).await.unwrap_or_else(|e| panic!("{name}: untag: {e}"));
            let removed: Vec<_> = removed.iter().map(json).collect();
            assert_eq!(removed, [serde_json::json!({"Untagged": other})], "{name}");
            assert!(client.image_inspect(&other).await.unwrap_err().is_not_found());

            // Rebuild the tag with another content: the first image is left dangling.
            let second = build(&client, engine, &tag, &run_id, "LABEL rev=2\n").await.unwrap();
            assert_ne!(second, first, "{name}");
            let dangling = client
                .image_list()
                .filters(ImageListFilters::new().dangling("true").label(label_filter(&run_id)))
                .await
                .unwrap();
            assert_eq!(dangling.iter().map(|i| &i.id).collect::<Vec<_>>(), [&first], "{name}: {dangling:?}");
            let tagged_only = client
                .image_list()
                .filters(ImageListFilters::new().dangling("false").label(label_filter(&run_id)))
                .await
                .unwrap();
            assert_eq!(tagged_only.iter().map(|i| &i.id).collect::<Vec<_>>(), [&second], "{name}");

            // Prune dangling images of this test only (label filter).
            let prune_filters = dockwright_tests::if_v1_25!($era, {
                // v1.25 documents only `dangling` for prune; the daemon accepts `label`.
                ImagePruneFilters::new().dangling("true").custom("label", label_filter(&run_id))
            } else {
                ImagePruneFilters::new().dangling("true").label(label_filter(&run_id))
            });
            let pruned = retry_busy(|| client.image_prune().filters(prune_filters.clone()).send())
                .await
                .unwrap_or_else(|e| panic!("{name}: prune: {e}"));
            let deleted: Vec<String> = pruned
                .images_deleted
                .iter()
                .flatten()
                .filter_map(|d| d.deleted.clone())
                .collect();
            assert!(deleted.contains(&first), "{name}: {pruned:?}");
            assert!(!deleted.contains(&second), "{name}: {pruned:?}");
            assert!(client.image_inspect(&first).await.unwrap_err().is_not_found(), "{name}");
            let dangling = client
                .image_list()
                .filters(ImageListFilters::new().dangling("true").label(label_filter(&run_id)))
                .await
                .unwrap();
            assert!(dangling.is_empty(), "{name}: {dangling:?}");

            // Remove: untags and deletes the image with its build parents.
            let removed = client.image_delete(&tag).await.unwrap_or_else(|e| panic!("{name}: remove: {e}"));
            let removed: Vec<_> = removed.iter().map(json).collect();
            assert_eq!(removed[0], serde_json::json!({"Untagged": tag}), "{name}: {removed:?}");
            assert!(removed.contains(&serde_json::json!({"Deleted": second})), "{name}: {removed:?}");
            assert!(client.image_inspect(&tag).await.unwrap_err().is_not_found());
            let err = client.image_delete(&tag).await.unwrap_err();
            assert!(err.is_not_found(), "{name}: {err:?}");
        }
    };
}

dockwright_tests::engine_matrix!(suite);
