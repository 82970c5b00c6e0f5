// The event bus views talk through: a view posts an event (open a session, open the reader at an
// article, create a note, show a view, the language changed) and whoever subscribed handles it
// at the end of the frame. Views never call each other.
// Thread-safety: UI thread only, except postFromAnyThread(), which background work uses to hand
// results back (the shell wakes the loop so the result is shown at once).
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <typeindex>
#include <utility>
#include <vector>

namespace kenes::app {

struct ShowView {
    std::string view;  // a view id: "agenda", "session", ...
};
struct OpenSession {
    std::string sessionId;
};
struct OpenStandard {
    std::string standardId;  // "std:C087"
    std::string articleId;   // "art2" or ""
};
struct OpenNote {
    std::string noteId;              // empty: a new note
    std::string eventId, sessionId;  // links for a new note
};
struct OpenMerge {
    std::string noteId;  // a note with conflicting versions (edited on two devices)
};
struct LanguageChanged {};
struct BackgroundResult {};  // a background task finished: nothing to handle, it wakes the loop
struct DataChanged {};       // something was written (a star, a note): views refresh their snapshots

class EventBus {
public:
    template <typename E>
    void subscribe(std::function<void(const E&)> handler) {
        m_handlers[std::type_index(typeid(E))].push_back(
            [handler = std::move(handler)](const void* e) { handler(*static_cast<const E*>(e)); });
    }

    // Queues the event; handlers run in dispatch().
    template <typename E>
    void post(E event) {
        std::lock_guard lock(m_mutex);
        m_queue.emplace_back([this, e = std::move(event)] { deliver(e); });
        if (m_wake) m_wake();
    }
    template <typename E>
    void postFromAnyThread(E event) {
        post(std::move(event));
    }

    // Runs queued events (and events those handlers post) in order. Returns how many ran.
    size_t dispatch() {
        size_t ran = 0;
        for (int round = 0; round < 16; ++round) {
            std::vector<std::function<void()>> batch;
            {
                std::lock_guard lock(m_mutex);
                batch.swap(m_queue);
            }
            if (batch.empty()) break;
            for (auto& f : batch) f();
            ran += batch.size();
        }
        return ran;
    }

    // Called after every post (the shell wakes the frame loop with it).
    void setWake(std::function<void()> wake) { m_wake = std::move(wake); }

private:
    template <typename E>
    void deliver(const E& e) {
        auto it = m_handlers.find(std::type_index(typeid(E)));
        if (it == m_handlers.end()) return;
        for (auto& h : it->second) h(&e);
    }

    std::map<std::type_index, std::vector<std::function<void(const void*)>>> m_handlers;
    std::mutex m_mutex;
    std::vector<std::function<void()>> m_queue;
    std::function<void()> m_wake;
};

}  // namespace kenes::app
