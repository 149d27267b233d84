#include "method_table.h"

namespace mailng::agent {

void MethodTable::add(Method method) {
    std::string name = method.name;
    methods_.insert_or_assign(std::move(name), std::move(method));
}

const Method* MethodTable::find(std::string_view name) const {
    auto found = methods_.find(name);
    return found == methods_.end() ? nullptr : &found->second;
}

MethodTable standard_methods() {
    MethodTable table;
    register_hello_methods(table);
    register_queue_methods(table);
    register_quarantine_methods(table);
    register_director_methods(table);
    register_status_methods(table);
    register_audit_methods(table);
    return table;
}

} // namespace mailng::agent
