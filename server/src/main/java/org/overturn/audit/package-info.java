@NullMarked
package org.overturn.audit;

import org.jspecify.annotations.NullMarked;
